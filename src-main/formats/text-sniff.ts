// Chooses the text dialect of a trace from its first bytes, never from its file name: the
// dialect whose parser accepts the most of the first lines wins, ties going to the order of
// DIALECT_ORDER (log first, so a no-prefix log of known names is a log). Binary input is refused
// up front so that a simpletrace or compressed file handed to the text path fails with one clear
// line instead of thousands of unparsed rows.
import type { TextDialect } from './text-types.ts';
import { DIALECT_ORDER, dialects } from './dialects/index.ts';
import { LineSplitter } from './lines.ts';

/** How many leading bytes the sniffer looks at; callers may pass more, the rest is ignored. */
export const SNIFF_BYTES = 64 * 1024;
/** How many leading non-empty lines are tried against every dialect. */
export const SNIFF_LINES = 200;

export type SniffResult =
  | { readonly dialect: TextDialect; readonly accepted: number; readonly examined: number }
  | { readonly error: string };

/**
 * Control bytes other than tab, LF, VT, FF, CR and ESC (ESC starts the colour codes some tools
 * put in logs). Text traces have next to none; a NUL or two from a `%c` argument must not turn a
 * log into "binary", while compressed or binary data has them at several percent.
 */
function looksBinary(bytes: Uint8Array): boolean {
  let control = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 32 ? b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27 : b === 127) control++;
  }
  return control > 4 && control * 100 > n;
}

export function sniffText(head: Uint8Array, isKnown: (name: string) => boolean): SniffResult {
  const bytes = head.length > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  if (bytes.length === 0) return { error: 'empty input: no text to recognise' };
  if (looksBinary(bytes)) return { error: 'binary data where a text trace was expected' };

  const lines: string[] = [];
  const splitter = new LineSplitter();
  const take = (text: string, _lineNo: number, _offset: number, _bad: boolean, more: boolean): void => {
    if (!more && text.length > 0 && lines.length < SNIFF_LINES) lines.push(text);
  };
  splitter.push(bytes, take);
  splitter.end(take);

  let best: TextDialect | null = null;
  let bestCount = 0;
  for (const id of DIALECT_ORDER) {
    const dialect = dialects[id];
    let count = 0;
    for (const line of lines) {
      const h = dialect.parse(line, isKnown);
      if (h !== null && h !== 'skip') count++;
    }
    if (count > bestCount) {
      best = dialect;
      bestCount = count;
    }
  }
  if (best === null) return { error: `no QEMU trace records recognised in the first ${lines.length} lines` };
  return { dialect: best, accepted: bestCount, examined: lines.length };
}
