/**
 * Plain-text tables, as `rpk` prints them: upper-case headers, columns separated by two spaces,
 * no borders, so the output reads well and still splits on whitespace in scripts.
 */

export type Cell = string | number | bigint | boolean | null | undefined;

/** Renders rows under headers; a null/undefined cell prints as '-'. Ends with a newline. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [headers.map((h) => h.toUpperCase()), ...rows.map((row) => row.map(cellText))];
  const widths = headers.map((_, col) => Math.max(...text.map((row) => (row[col] ?? '').length)));
  return text
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** Key/value pairs as two aligned columns without a header row (the summary sections). */
export function renderPairs(pairs: readonly (readonly [string, Cell])[]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.toUpperCase().padEnd(width)}  ${cellText(v)}\n`).join('');
}

/** A titled section: the title line, then the body, then a blank line between sections. */
export function renderSections(sections: readonly (readonly [string, string])[]): string {
  return sections.map(([title, body]) => `${title.toUpperCase()}\n${body}`).join('\n');
}

export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '-';
  return String(cell);
}
