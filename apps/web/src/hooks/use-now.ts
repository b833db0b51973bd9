import { useEffect, useState } from 'react';

/** The current time (ms), re-read every `everyMs`: ages and "n minutes ago" keep moving while a page stays open. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
