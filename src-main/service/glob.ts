// Event-name globs (`multifd_*`, `ram_save_?age`) for SQL; `%` and `_` in them are literal.

/** A glob as an SQL LIKE pattern (escape character `\`). */
export function globToLike(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else if (ch === '%' || ch === '_' || ch === '\\') out += `\\${ch}`;
    else out += ch;
  }
  return out;
}
