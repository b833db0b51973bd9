import { c } from '@warehouse/command';

export { c, colourEnabled, info } from '@warehouse/command';

/** Render rows as an aligned text table. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
  // Width by code points; East Asian wide characters count double so Japanese names align.
  const width = (s: string) =>
    [...s.replace(/\x1b\[[0-9;]*m/g, '')].reduce(
      (n, ch) =>
        n +
        (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
          ? 2
          : 1),
      0,
    );
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((v, i) => v + ' '.repeat(Math.max(0, widths[i]! - width(v))))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => c.bold(h))), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Print data as JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Milliseconds as a short human string. */
export function ms(n: number): string {
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;
}
