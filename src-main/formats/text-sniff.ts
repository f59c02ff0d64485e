// Chooses the text dialect of a trace from its first bytes, never from its file name: the
// dialect under which the catalogue types the most of the first lines wins, then the one whose
// parser accepts the most of them, ties going to the order of DIALECT_ORDER (simpletrace.py
// output, then log, so a no-prefix log of known names is a log). Binary input is refused up
// front so that a simpletrace or compressed file handed to the text path fails with one clear
// line instead of thousands of unparsed rows.
import type { TextDialect, TextHeader } from './text-types.ts';
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
  /** `tuning`: what the dialect's `tune` read from the window, for `tuned` (and the plan). */
  | { readonly dialect: TextDialect; readonly accepted: number; readonly examined: number; readonly tuning?: string }
  /**
   * `unknownEvents`: the window's lines have the shape of no-prefix log records (`name args`, a
   * QEMU-style event name) but no catalogue knows their names: the trace needs the catalogue of
   * the build that wrote it (the caller words the remedy, knowing which catalogues it tried).
   */
  | { readonly error: string; readonly unknownEvents?: { readonly lines: number; readonly names: readonly string[] } };

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

/** Whether the catalogue types a record: its name is an event and its message fits the format. */
export type TypesRecord = (h: TextHeader) => boolean;

/**
 * What a line says for a dialect: 3, a record the catalogue types; 1, a record it does not (an
 * unknown name, a message off its format); 0, no record. A known name alone on a line says
 * little: users paste the `-trace events=` file they used, one name a line, ahead of the trace,
 * and such a list must not make the trace a no-prefix log. It is no record unless its event
 * prints nothing, and then only 2: it decides between dialects only where nothing else does
 * (a no-prefix log of such events alone).
 */
function evidence(dialect: TextDialect, line: string, isKnown: (name: string) => boolean, types: TypesRecord): number {
  const h = dialect.parse(line, isKnown);
  if (h === null || h === 'skip') return 0;
  const nameOnly = h.prefixStyle === 'none' && h.msg === '';
  if (types(h)) return nameOnly ? 2 : 3;
  return nameOnly ? 0 : 1;
}

/**
 * The dialect of the first SNIFF_LINES non-empty lines of `head`; when none of them is a trace
 * record, of the SNIFF_LINES lines from the first one that is (within SNIFF_SCAN_BYTES).
 */
export function sniffText(head: Uint8Array, isKnown: (name: string) => boolean, typesRecord?: TypesRecord): SniffResult {
  if (head.length === 0) return { error: 'empty input: no text to recognise' };
  const first = head.length > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  const control = controlBytes(first);
  const binary = { error: 'binary data where a text trace was expected' };
  if (tooMany(control.other, first.length)) return binary;

  // Without a catalogue to try formats on, a known name types unless it stands alone.
  const types = typesRecord ?? ((h: TextHeader) => isKnown(h.name) && !(h.prefixStyle === 'none' && h.msg === ''));
  // Where the window starts: at a record that is more than a name alone.
  const anyDialect = (line: string) =>
    DIALECT_ORDER.some((id) => {
      const e = evidence(dialects[id], line, isKnown, types);
      return e === 1 || e === 3;
    });
  let lines: string[] = [];
  let seen = 0;
  // 'head': the first SNIFF_LINES lines; 'scan': looking for a first recognisable line past them;
  // 'window': SNIFF_LINES lines from it.
  let phase: 'head' | 'scan' | 'window' = 'head';
  let found = false;
  const take = (text: string, _lineNo: number, _offset: number, _bad: boolean, longBytes: number): void => {
    if (longBytes > 0 || text.length === 0) return;
    seen++;
    // A full head with no record in it (a list of event names longer than the window): look on.
    if (phase === 'head' && lines.length === SNIFF_LINES && !found) phase = 'scan';
    if (phase === 'scan') {
      if (!anyDialect(text)) return;
      phase = 'window';
      lines = [];
      found = true;
    }
    if (lines.length < SNIFF_LINES) {
      lines.push(text);
      if (!found && anyDialect(text)) found = true;
    }
  };
  const splitter = new LineSplitter();
  splitter.push(first, take);
  if (head.length > first.length && !found) {
    phase = 'scan';
    splitter.push(head.subarray(first.length, Math.min(head.length, SNIFF_SCAN_BYTES)), take);
  }
  splitter.end(take);

  let best: TextDialect | null = null;
  let bestTuning: string | null = null;
  let bestTyped = 0;
  let bestNames = 0;
  let bestCount = 0;
  for (const id of DIALECT_ORDER) {
    let dialect = dialects[id];
    const tuning = dialect.tune?.(lines, isKnown) ?? null;
    if (tuning !== null && dialect.tuned !== undefined) dialect = dialect.tuned(tuning);
    let typed = 0;
    let names = 0;
    let count = 0;
    for (const line of lines) {
      const e = evidence(dialect, line, isKnown, types);
      if (e > 0) count++;
      if (e === 2) names++;
      if (e === 3) typed++;
    }
    if (typed !== bestTyped ? typed > bestTyped : names !== bestNames ? names > bestNames : count > bestCount) {
      best = dialect;
      bestTuning = tuning;
      bestTyped = typed;
      bestNames = names;
      bestCount = count;
    }
  }
  // NUL bytes with no record after them within the scan (a stream of zeros): binary after all.
  if (best === null && tooMany(control.other + control.nul, first.length)) return binary;
  if (best === null) {
    const error = `no QEMU trace records recognised in the first ${seen} lines`;
    const unknown = unknownEvents(lines, isKnown);
    if (unknown !== null) return { error, unknownEvents: unknown };
    const why = explained(lines, isKnown);
    return { error: why === null ? error : `${error}: ${why}` };
  }
  const result = { dialect: best, accepted: bestCount, examined: lines.length };
  return bestTuning === null ? result : { ...result, tuning: bestTuning };
}

// A QEMU event name (lower case, words joined by `_`), a space, then its arguments (none: the
// trailing space QEMU prints after an event with an empty format).
const RECORD_SHAPE_RE = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)+) (?:\S|$)/;

/**
 * The window's lines that look like no-prefix log records of events no catalogue knows, when
 * they are at least half of it; null otherwise (prose, a config file, a catalogue: no shape).
 */
function unknownEvents(lines: readonly string[], isKnown: (name: string) => boolean): { lines: number; names: string[] } | null {
  const names = new Map<string, number>();
  let n = 0;
  for (const line of lines) {
    const m = RECORD_SHAPE_RE.exec(line);
    if (m === null || isKnown(m[1])) continue;
    n++;
    names.set(m[1], (names.get(m[1]) ?? 0) + 1);
  }
  if (n === 0 || n * 2 < lines.length) return null;
  return { lines: n, names: [...names].sort((a, b) => b[1] - a[1]).map(([name]) => name) };
}

/** What a dialect says of the window's lines it refused although they have a record's shape. */
function explained(lines: readonly string[], isKnown: (name: string) => boolean): string | null {
  for (const id of DIALECT_ORDER) {
    let dialect = dialects[id];
    if (dialect.explain === undefined) continue;
    const tuning = dialect.tune?.(lines, isKnown) ?? null;
    if (tuning !== null && dialect.tuned !== undefined) dialect = dialect.tuned(tuning);
    let first: string | null = null;
    let n = 0;
    for (const line of lines) {
      const why = dialect.explain?.(line, isKnown) ?? null;
      if (why === null) continue;
      first ??= why;
      n++;
    }
    if (first !== null) return `${n} ${id} ${n === 1 ? 'line is a record' : 'lines are records'} but for this (first: ${first})`;
  }
  return null;
}
