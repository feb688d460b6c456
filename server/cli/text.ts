/** Small plain-text layout helpers for the CLI's readable output (no colours: it is often piped). */

/** Left-aligned columns separated by two spaces; columns listed in `right` are right-aligned. */
export function table(rows: readonly (readonly string[])[], right: readonly number[] = [], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (right.includes(i) ? cell.padStart(widths[i]!) : i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

/** Wraps prose at word boundaries to `width` columns, each line led by `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export const fixed = (x: number, places = 1): string => x.toFixed(places);
export const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;
export const seconds = (s: number): string => `${Number(s.toFixed(2))} s`;
