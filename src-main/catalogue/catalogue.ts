// A parsed catalogue with name lookup. QAPI-generated `qmp_enter_<cmd>`/`qmp_exit_<cmd>` events
// are only in a build's trace-events-all, never in the source tree; they are answered by name
// pattern so that traces of QMP commands are typed whatever catalogue is given.
import { createHash } from 'node:crypto';
import { argSpecFor } from './ctypes.ts';
import { parseTraceEvents } from './grammar.ts';
import type { ArgSpec, Catalogue, CatalogueError, EventSpec } from './types.ts';

const QMP_ENTER: ArgSpec[] = [argSpecFor('const char *', 'json') as ArgSpec];
const QMP_EXIT: ArgSpec[] = [argSpecFor('const char *', 'result') as ArgSpec, argSpecFor('bool', 'succeeded') as ArgSpec];

function synthesizeQmp(name: string): EventSpec | undefined {
  const enter = name.startsWith('qmp_enter_');
  if (!enter && !name.startsWith('qmp_exit_')) return undefined;
  if (!/^qmp_(enter|exit)_\w+$/.test(name)) return undefined;
  return {
    name,
    args: enter ? QMP_ENTER : QMP_EXIT,
    format: enter ? '%s' : '%s %d',
    rawFormat: enter ? '"%s"' : '"%s %d"',
    properties: [],
    sourceFile: 'qapi (generated)',
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
  ) {
    // The first definition of a name wins, as it would in a build that links one of them.
    for (const e of events) if (!this.byName.has(e.name)) this.byName.set(e.name, e);
  }

  get(name: string): EventSpec | undefined {
    const e = this.byName.get(name);
    if (e !== undefined) return e;
    let s = this.synthesized.get(name);
    if (s === undefined) {
      s = synthesizeQmp(name);
      if (s !== undefined) this.synthesized.set(name, s);
    }
    return s;
  }
}

export interface CatalogueInput {
  readonly name: string;
  readonly source: string;
  readonly text: string;
  /** File name used in error messages. */
  readonly file: string;
  /** Adjust each parsed event (e.g. to restore source-file directories of a source tree). */
  readonly fixEvent?: (e: EventSpec) => EventSpec;
}

export function buildCatalogue(input: CatalogueInput): Catalogue {
  const sha256 = createHash('sha256').update(input.text).digest('hex');
  const parsed = parseTraceEvents(input.text, input.file);
  const events = input.fixEvent ? parsed.events.map(input.fixEvent) : parsed.events;
  const errors = parsed.errors;
  return new CatalogueImpl(`${input.name}@${sha256.slice(0, 12)}`, input.name, input.source, sha256, events, errors);
}
