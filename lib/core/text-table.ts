/**
 * Rows as aligned columns two spaces apart, the first row being the header: every column but the
 * last is padded to its widest cell, so a long last column (a pattern, a detail) never widens the rest.
 */
export function textTable(rows: readonly (readonly string[])[]): string {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns - 1 }, (_, c) =>
    Math.max(...rows.map((row) => row[c]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, c) => (c < widths.length ? cell.padEnd(widths[c]!) : cell))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
