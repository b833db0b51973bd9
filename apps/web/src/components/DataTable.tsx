import type { ReactNode } from 'react';

/** A header cell: its text, right-aligned (`num`) for numbers. */
export type Heading = string | { text: string; num: true };

/**
 * A table that scrolls sideways on a narrow screen: a focusable region named `label` (so it can be
 * scrolled from the keyboard), its header row from `headings`, its body rows as children.
 */
export function DataTable({
  label,
  testId,
  headings,
  children,
}: {
  label: string;
  testId: string;
  headings: readonly Heading[];
  children: ReactNode;
}) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table data-testid={testId}>
        <thead>
          <tr>
            {headings.map((h) =>
              typeof h === 'string' ? (
                <th key={h}>{h}</th>
              ) : (
                <th key={h.text} className="num">
                  {h.text}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
