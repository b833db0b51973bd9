import type { IncomingMessage } from 'node:http';

export interface BodyRateLimits {
  /** Length of one window, ms (UPLOAD_BODY_TIMEOUT_MS). */
  windowMs: number;
  /** Minimum rate over each window, bytes per second (UPLOAD_MIN_BYTES_PER_SEC). */
  minBytesPerSec: number;
}

/** Bytes a body must bring in one window: the minimum rate over the window, and at least one. */
export function bytesPerWindow(limits: BodyRateLimits): number {
  return Math.max(1, Math.ceil((limits.minBytesPerSec * limits.windowMs) / 1000));
}

/**
 * The verdict on a body's progress, one window at a time: `sample(total)` is given the bytes read
 * so far at the end of each window and answers false once a window brought fewer than
 * {@link bytesPerWindow}. Pure, so a test can drive it without a clock.
 *
 * @example
 * const rate = new BodyRate({ windowMs: 1000, minBytesPerSec: 100 }, 0);
 * rate.sample(250); // true: 250 bytes in the first second
 * rate.sample(260); // false: 10 bytes in the second
 */
export class BodyRate {
  private last: number;
  readonly need: number;
  constructor(limits: BodyRateLimits, start: number) {
    this.need = bytesPerWindow(limits);
    this.last = start;
  }
  sample(total: number): boolean {
    const got = total - this.last;
    this.last = total;
    return got >= this.need;
  }
}

/**
 * Watch a request body arrive: every `windowMs` the socket's byte count is sampled, and `onSlow`
 * is called once when a window brought too little. Stops by itself once the body is complete;
 * the returned function stops it earlier. No listener is added to the request (that would switch
 * it to flowing mode under the multipart parser); the socket's `bytesRead` counts what arrived.
 * A request without a real socket (app.inject) has no network to be slow on and is not watched.
 */
export function watchBody(raw: IncomingMessage, limits: BodyRateLimits, onSlow: () => void): () => void {
  const socket = raw.socket as { bytesRead?: unknown } | null;
  const read = () => socket?.bytesRead;
  const start = read();
  if (typeof start !== 'number') return () => {};
  const rate = new BodyRate(limits, start);
  const timer = setInterval(() => {
    if (raw.complete) return clearInterval(timer);
    if (!rate.sample(read() as number)) {
      clearInterval(timer);
      onSlow();
    }
  }, limits.windowMs);
  timer.unref();
  return () => clearInterval(timer);
}
