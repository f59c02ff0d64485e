// Chooses the text dialect of a trace from its first bytes, never from its file name: the
// dialect whose parser accepts the most of the first lines wins, ties going to the order of
// DIALECT_ORDER (log first, so a no-prefix log of known names is a log). Binary input is refused
// up front so that a simpletrace or compressed file handed to the text path fails with one clear
// line instead of thousands of unparsed rows.
import type { TextDialect } from './text-types.ts';
import { DIALECT_ORDER, dialects } from './dialects/index.ts';
import { LineSplitter } from './lines.ts';

/** How many leading bytes are checked for binary data. */
export const SNIFF_BYTES = 64 * 1024;
/** How many non-empty lines are tried against every dialect. */
export const SNIFF_LINES = 200;
/**
 * How far into the head the first recognisable line is looked for. A libvirt domain log keeps
 * every earlier start of the guest (command line, chardev lines, shutdown notes) ahead of the
 * trace lines of the current one, often far more than SNIFF_LINES of them (§3.1, §6).
 */
export const SNIFF_SCAN_BYTES = 2 << 20;

export type SniffResult =
  | { readonly dialect: TextDialect; readonly accepted: number; readonly examined: number }
  | { readonly error: string };

/**
 * Control bytes other than tab, LF, VT, FF, CR and ESC (ESC starts the colour codes some tools
 * put in logs). Text traces have next to none; a NUL or two from a `%c` argument must not turn a
 * log into "binary", while compressed or binary data has them at several percent. NUL bytes are
 * counted apart: a run of them is what a log holds where the host crashed (blocks allocated,
 * never written), with the log going on after it.
 */
function controlBytes(bytes: Uint8Array): { other: number; nul: number } {
  let other = 0;
  let nul = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) nul++;
    else if (b < 32 ? b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27 : b === 127) other++;
  }
  return { other, nul };
}

const tooMany = (count: number, n: number): boolean => count > 4 && count * 100 > n;

function recognisedBy(dialect: TextDialect, line: string, isKnown: (name: string) => boolean): boolean {
  const h = dialect.parse(line, isKnown);
  return h !== null && h !== 'skip';
}

/**
 * The dialect of the first SNIFF_LINES non-empty lines of `head`; when none of them is a trace
 * record, of the SNIFF_LINES lines from the first one that is (within SNIFF_SCAN_BYTES).
 */
export function sniffText(head: Uint8Array, isKnown: (name: string) => boolean): SniffResult {
  if (head.length === 0) return { error: 'empty input: no text to recognise' };
  const first = head.length > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  const control = controlBytes(first);
  const binary = { error: 'binary data where a text trace was expected' };
  if (tooMany(control.other, first.length)) return binary;

  const anyDialect = (line: string) => DIALECT_ORDER.some((id) => recognisedBy(dialects[id], line, isKnown));
  let lines: string[] = [];
  let seen = 0;
  // 'head': the first SNIFF_LINES lines; 'scan': looking for a first recognisable line past them;
  // 'window': SNIFF_LINES lines from it.
  let phase: 'head' | 'scan' | 'window' = 'head';
  const take = (text: string, _lineNo: number, _offset: number, _bad: boolean, longBytes: number): void => {
    if (longBytes > 0 || text.length === 0) return;
    seen++;
    if (phase === 'scan') {
      if (!anyDialect(text)) return;
      phase = 'window';
      lines = [];
    }
    if (lines.length < SNIFF_LINES) lines.push(text);
  };
  const splitter = new LineSplitter();
  splitter.push(first, take);
  if (head.length > first.length && !lines.some(anyDialect)) {
    phase = 'scan';
    splitter.push(head.subarray(first.length, Math.min(head.length, SNIFF_SCAN_BYTES)), take);
  }
  splitter.end(take);

  let best: TextDialect | null = null;
  let bestCount = 0;
  for (const id of DIALECT_ORDER) {
    const dialect = dialects[id];
    let count = 0;
    for (const line of lines) if (recognisedBy(dialect, line, isKnown)) count++;
    if (count > bestCount) {
      best = dialect;
      bestCount = count;
    }
  }
  // NUL bytes with no record after them within the scan (a stream of zeros): binary after all.
  if (best === null && tooMany(control.other + control.nul, first.length)) return binary;
  if (best === null) return { error: `no QEMU trace records recognised in the first ${seen} lines` };
  return { dialect: best, accepted: bestCount, examined: lines.length };
}
