// Files found beside traces that are not traces (a CI output folder: manifest.json, QMP
// transcripts, console logs, empty stderr files, the build's trace-events-all). They are said
// once per input, counted by kind, instead of one line each: the kind only describes what was
// passed over; whether a file is a trace is decided by the sniff, never here.

/** What a file that is not a trace looks like, from its first bytes. */
export type NotTraceKind = 'empty' | 'JSON' | 'trace-events catalogue' | 'binary' | 'text without trace events';

/** Bytes looked at; the kind is a description, so a look at the start is enough. */
const LOOK_BYTES = 64 << 10;
const LOOK_LINES = 50;

/** `name(args)` optionally followed by a format string, after property words (`disable`, `vcpu`, `tcg`...). */
const TRACE_EVENTS_LINE = /^(?:[a-z]+\s+)*[A-Za-z_]\w*\([^)]*\)(?:\s+"|\s*$)/;

export function notTraceKind(head: Uint8Array): NotTraceKind {
  const look = head.subarray(0, LOOK_BYTES);
  let control = 0;
  for (const b of look) {
    if (b === 0) return 'binary';
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (control * 100 > look.length) return 'binary';
  const text = new TextDecoder('utf-8').decode(look).replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return 'empty';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'JSON';
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .slice(0, LOOK_LINES);
  // The last line of a cut look may be cut too.
  const whole = look.length < head.length ? lines.slice(0, -1) : lines;
  const events = whole.filter((l) => TRACE_EVENTS_LINE.test(l)).length;
  if (whole.length > 0 && events * 10 >= whole.length * 9) return 'trace-events catalogue';
  return 'text without trace events';
}

/** How many names a summary line shows before `…`. */
const SHOWN_NAMES = 4;

/** The files of one input that are not traces, said as one line when the input is done. */
export class NotTraceSummary {
  private readonly kinds = new Map<NotTraceKind, number>();
  private readonly names: string[] = [];

  add(name: string, kind: NotTraceKind): void {
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    this.names.push(name);
  }

  get count(): number {
    return this.names.length;
  }

  /**
   * `input: skipped 6 files that are not traces: 5 JSON, 1 trace-events catalogue (manifest.json,
   * qmp-events.json, …)`; null when there is none. Kinds most frequent first.
   */
  line(input: string): string | null {
    const n = this.names.length;
    if (n === 0) return null;
    const kinds = [...this.kinds.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([k, c]) => `${c} ${k}`)
      .join(', ');
    const shown = this.names.slice(0, SHOWN_NAMES).join(', ') + (n > SHOWN_NAMES ? ', …' : '');
    return `${input}: skipped ${n} ${n === 1 ? 'file that is not a trace' : 'files that are not traces'}: ${kinds} (${shown})`;
  }
}
