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

export function buildCatalogue(input: CatalogueInput): Catalogue {
  const hash = createHash('sha256');
  if (input.bytes !== undefined) hash.update(input.bytes);
  else hash.update(input.text, 'utf8');
  const sha256 = hash.digest('hex');
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
