// A parsed catalogue with name lookup. QAPI-generated `qmp_enter_<cmd>`/`qmp_exit_<cmd>` events
// are only in a build's trace-events-all, never in the source tree; they are answered by name
// pattern so that traces of QMP commands are typed whatever catalogue is given.
import { createHash } from 'node:crypto';
import { argSpecFor } from './ctypes.ts';
import { parseTraceEvents } from './grammar.ts';
import type { ArgSpec, Catalogue, CatalogueError, EventSpec, PositionHole } from './types.ts';

const QMP_ENTER: readonly ArgSpec[] = [argSpecFor('const char *', 'json') as ArgSpec];
const QMP_EXIT: readonly ArgSpec[] = [argSpecFor('const char *', 'result') as ArgSpec, argSpecFor('bool', 'succeeded') as ArgSpec];
const QMP_NAME = /^qmp_(enter|exit)_\w+$/;

/** The event QAPI's generator would have written for this name, if it is a QMP trace name. */
export function synthesizeQmpEvent(name: string): EventSpec | undefined {
  const m = QMP_NAME.exec(name);
  if (m === null) return undefined;
  const enter = m[1] === 'enter';
  return {
    name,
    args: enter ? QMP_ENTER : QMP_EXIT,
    format: enter ? '%s' : '%s %d',
    rawFormat: enter ? '"%s"' : '"%s %d"',
    properties: [],
    sourceFile: null,
    line: 0,
    position: -1,
    disabled: false,
    synthesized: true,
  };
}

class CatalogueImpl implements Catalogue {
  private readonly byName = new Map<string, EventSpec>();
  private readonly synthesized = new Map<string, EventSpec>();

  constructor(
    readonly id: string,
    readonly name: string,
    readonly source: string,
    readonly sha256: string,
    readonly events: readonly EventSpec[],
    readonly errors: readonly CatalogueError[],
    readonly holes: readonly PositionHole[],
  ) {
    // The first definition of a duplicated name wins (bsd-user repeats linux-user's names).
    for (const e of events) if (!this.byName.has(e.name)) this.byName.set(e.name, e);
  }

  get(name: string): EventSpec | undefined {
    const e = this.byName.get(name);
    if (e !== undefined) return e;
    let s = this.synthesized.get(name);
    if (s === undefined) {
      s = synthesizeQmpEvent(name);
      if (s !== undefined) this.synthesized.set(name, s);
    }
    return s;
  }
}

/** One trace-events file of a concatenated catalogue (a source tree's subdirectory). */
export interface CataloguePart {
  /** File name used in error messages. */
  readonly file: string;
  readonly text: string;
  /** Directory of the file relative to the tree, to resolve its `# file.c` hints. */
  readonly dir?: string;
}

export interface CatalogueInput {
  /** Human name, e.g. `qemu-7.2.22-debian/trace-events-all`. */
  readonly name: string;
  /** Where it came from: a path, `embedded`, `installed:/usr/share/qemu/trace-events-all`. */
  readonly source: string;
  readonly text: string;
  /** The bytes `text` was decoded from, when known: the sha256 is theirs (invalid UTF-8 included). */
  readonly bytes?: Uint8Array;
  /** File name used in error messages. */
  readonly file: string;
  /**
   * The files `text` concatenates, in order (byte for byte, as the build does): each is parsed
   * on its own so errors name the real file and line and hints keep their directory.
   */
  readonly parts?: readonly CataloguePart[];
}

function sha256Of(input: CatalogueInput): string {
  const hash = createHash('sha256');
  if (input.bytes !== undefined) hash.update(input.bytes);
  else hash.update(input.text, 'utf8');
  return hash.digest('hex');
}

export function buildCatalogue(input: CatalogueInput): Catalogue {
  const sha256 = sha256Of(input);
  const parts: readonly CataloguePart[] = input.parts ?? [{ file: input.file, text: input.text }];
  const events: EventSpec[] = [];
  const errors: CatalogueError[] = [];
  const holes: PositionHole[] = [];
  let lineOffset = 0;
  for (const p of parts) {
    const r = parseTraceEvents(p.text, p.file, { firstPosition: events.length + holes.length, lineOffset, sourceDir: p.dir });
    for (const e of r.events) events.push(e);
    for (const e of r.errors) errors.push(e);
    for (const h of r.holes) holes.push(h);
    lineOffset += countLines(p.text);
  }
  return new CatalogueImpl(`${input.name}@${sha256.slice(0, 12)}`, input.name, input.source, sha256, events, errors, holes);
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

// Name and properties of an event line, as leniently as the grammar reads a rejected one (a
// rejected line still takes its positions); matched within one line of the whole text.
const EVENT_HEAD_STICKY = /[^\S\n]*((?:\w+[^\S\n]+)*)(\w+)[^\S\n]*\(/y;
const HINT_LINE_RE = /^\s*#\s*\S+\.(?:c|h|m|rs|cpp|cc|inc|S|py)(?=\s|$)/;

interface LineRef {
  /** 0-based line index and the line's text span. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
  /** The `# file.c` hint line above it, as a span, or -1. */
  readonly hintStart: number;
  readonly hintEnd: number;
  readonly position: number;
}

/**
 * A catalogue of one trace-events file that parses an event's line only when it is asked for
 * by name: choosing among a dozen ~5,000-event catalogues for a trace needs only the few dozen
 * names in its head. `events`, `errors` and `holes` parse the whole file on first use. Every
 * spec equals what the whole-file parse gives (tested), and an event is one object whichever
 * way it was reached.
 */
class LazyCatalogue implements Catalogue {
  readonly id: string;
  readonly sha256: string;
  private index: Map<string, LineRef> | null = null;
  private readonly specs = new Map<string, EventSpec | null>();
  private full: Catalogue | null = null;

  constructor(private readonly input: CatalogueInput) {
    this.sha256 = sha256Of(input);
    this.id = `${input.name}@${this.sha256.slice(0, 12)}`;
  }
  get name(): string {
    return this.input.name;
  }
  get source(): string {
    return this.input.source;
  }
  private wholeEvents: readonly EventSpec[] = [];
  private whole(): Catalogue {
    if (this.full === null) {
      const full = buildCatalogue(this.input);
      // One object per event whichever way it was found (decoders key their rows by it).
      const seen = new Set<string>();
      this.wholeEvents = full.events.map((e) => {
        if (seen.has(e.name)) return e;
        seen.add(e.name);
        const known = this.specs.get(e.name);
        if (known) return known;
        this.specs.set(e.name, e);
        return e;
      });
      this.full = full;
    }
    return this.full;
  }
  get events(): readonly EventSpec[] {
    this.whole();
    return this.wholeEvents;
  }
  get errors(): readonly CatalogueError[] {
    return this.whole().errors;
  }
  get holes(): readonly PositionHole[] {
    return this.whole().holes;
  }

  private lines(): Map<string, LineRef> {
    if (this.index !== null) return this.index;
    // Character scans and a sticky match: this runs over ~5,000 lines of each candidate catalogue
    // for the first trace of a process, before any event is parsed.
    const text = this.input.text;
    const index = new Map<string, LineRef>();
    let position = 0;
    let hintStart = -1;
    let hintEnd = -1;
    for (let start = 0, i = 0; start < text.length; i++) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let k = start;
      while (k < end && text.charCodeAt(k) <= 32) k++;
      if (k < end) {
        if (text.charCodeAt(k) === 35 /* # */) {
          if (HINT_LINE_RE.test(text.slice(k, end).trim())) [hintStart, hintEnd] = [start, end];
        } else {
          EVENT_HEAD_STICKY.lastIndex = start;
          const head = EVENT_HEAD_STICKY.exec(text);
          const tcg = head !== null && head[1] !== '' && /\btcg\b/.test(head[1]);
          if (head !== null) {
            const ref = { index: i, start, end, hintStart, hintEnd, position };
            for (const n of tcg ? [`${head[2]}_trans`, `${head[2]}_exec`] : [head[2]]) if (!index.has(n)) index.set(n, ref);
          }
          position += tcg ? 2 : 1;
        }
      }
      start = end + 1;
    }
    this.index = index;
    return index;
  }

  get(name: string): EventSpec | undefined {
    let spec = this.specs.get(name);
    if (spec === undefined) {
      spec = (this.full !== null ? this.full.get(name) : (this.parseOne(name) ?? synthesizeQmpEvent(name))) ?? null;
      this.specs.set(name, spec);
    }
    return spec ?? undefined;
  }

  private parseOne(name: string): EventSpec | undefined {
    const ref = this.lines().get(name);
    if (ref === undefined) return undefined;
    const text = this.input.text;
    const line = text.slice(ref.start, ref.end);
    const hint = ref.hintStart >= 0 ? text.slice(ref.hintStart, ref.hintEnd) + '\n' : '';
    const r = parseTraceEvents(hint + line + '\n', this.input.file, { firstPosition: ref.position, lineOffset: ref.index - (hint ? 1 : 0) });
    return r.events.find((e) => e.name === name);
  }
}

/** A single-file catalogue parsed by name on demand (see LazyCatalogue). */
export function lazyCatalogue(input: CatalogueInput): Catalogue {
  return input.parts !== undefined ? buildCatalogue(input) : new LazyCatalogue(input);
}
