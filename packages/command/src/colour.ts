/** Colour only on a TTY, never with NO_COLOR set or under CI (FORCE_COLOR overrides). */
export function colourEnabled(
  env: NodeJS.ProcessEnv = process.env,
  stream: NodeJS.WriteStream = process.stdout,
): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.CI) return false;
  return Boolean(stream.isTTY);
}

const enabled = colourEnabled();
const sgr = (open: string, close: string) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);

/** ANSI styles, plain text when colour is off. */
export const c = {
  ok: sgr('32', '39'),
  warn: sgr('33', '39'),
  err: sgr('31', '39'),
  dim: sgr('2', '22'),
  bold: sgr('1', '22'),
  banner: (s: string) => sgr('41', '49')(sgr('37', '39')(sgr('1', '22')(s))),
};

/** Progress and diagnostics go to stderr so stdout stays data (`--json`). */
export function info(message: string): void {
  process.stderr.write(`${message}\n`);
}
