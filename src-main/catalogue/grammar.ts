// The trace-events grammar as tracetool reads it (docs/qemu-trace-formats.md §1.2): one event per
// physical line, optional properties, C arguments, and a format made of C string literals and
// <inttypes.h> PRI macros. Legacy `vcpu` and `tcg` properties are expanded the way tracetool
// did, so positions and argument lists match what old QEMU builds emitted.
import { argSpecFor } from './ctypes.ts';
import type { ArgSpec, CatalogueError, EventSpec, PositionHole } from './types.ts';

const PROPERTIES = new Set(['disable', 'vcpu', 'tcg']);
const MAX_ARGS = 10;

export interface ParseResult {
  readonly events: EventSpec[];
  readonly errors: CatalogueError[];
  readonly holes: PositionHole[];
}

export interface ParseOptions {
  /** Position of the first event (when this text is one chunk of a larger catalogue). */
  readonly firstPosition?: number;
  /** Added to each event's line (its line in the larger catalogue); errors keep file lines. */
  readonly lineOffset?: number;
  /** Directory the `# file.c` hints are relative to (lost in trace-events-all). */
  readonly sourceDir?: string;
}

// glibc on x86_64 (LP64), as its inttypes.h defines them. The 8- and 16-bit macros carry no
// length modifier (the argument is promoted to int), so a negative int8_t under PRIx8 prints
// ffffffff, and an int printed with PRIx16 is not truncated; the FAST types are 8-bit, then
// `long` for 16/32/64.
const PRI_LENGTH: Record<string, string> = {
  '8': '',
  '16': '',
  '32': '',
  '64': 'l',
  PTR: 'l',
  MAX: 'j',
  LEAST8: '',
  LEAST16: '',
  LEAST32: '',
  LEAST64: 'l',
  FAST8: '',
  FAST16: 'l',
  FAST32: 'l',
  FAST64: 'l',
};

const PRI_RE = /^PRI([diouxX])(8|16|32|64|PTR|MAX|LEAST(?:8|16|32|64)|FAST(?:8|16|32|64))$/;

/** Expand a `PRIx64`-style macro to the length modifier + conversion glibc uses on x86_64. */
export function expandPriMacro(name: string): string | null {
  const m = PRI_RE.exec(name);
  if (m === null) return null;
  return PRI_LENGTH[m[2]] + m[1];
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", '?': '?',
};

/** Un-escape one C string literal body (without the quotes), as the C compiler would. */
function unescapeC(body: string): string | { error: string } {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    const simple = n === undefined ? undefined : SIMPLE_ESCAPES[n];
    if (simple !== undefined) {
      out += simple;
    } else if (n === 'x') {
      // C reads every hex digit that follows; a value over 0xff does not fit a char.
      const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 1));
      if (m === null) return { error: 'invalid \\x escape in format' };
      const v = parseInt(m[0], 16);
      if (v > 0xff) return { error: `escape '\\x${m[0]}' out of range in format` };
      out += String.fromCharCode(v);
      i += m[0].length;
    } else if (n !== undefined && n >= '0' && n <= '7') {
      const m = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
      const v = parseInt(m[0], 8);
      if (v > 0xff) return { error: `escape '\\${m[0]}' out of range in format` };
      out += String.fromCharCode(v);
      i += m[0].length - 1;
    } else {
      return { error: `invalid escape '\\${n ?? ''}' in format` };
    }
  }
  return out;
}

/**
 * Parse the format part of an event line: string literals, PRI macros and whitespace, with (for
 * `tcg` events) one top-level comma separating the translation-time and execution formats.
 */
export function parseFormatPart(text: string): { formats: string[] } | { error: string } {
  const formats: string[] = [''];
  let i = 0;
  let sawLiteral = false;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f') {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return { error: 'unterminated string literal in format' };
      const u = unescapeC(text.slice(i + 1, j));
      if (typeof u !== 'string') return u;
      formats[formats.length - 1] += u;
      sawLiteral = true;
      i = j + 1;
    } else if (c === ',') {
      if (!sawLiteral) return { error: 'empty format before comma' };
      formats.push('');
      sawLiteral = false;
      i++;
    } else {
      const m = /^[A-Za-z_]\w*/.exec(text.slice(i));
      if (m === null) return { error: `unexpected '${c}' in format` };
      const ex = expandPriMacro(m[0]);
      if (ex === null) return { error: `unknown macro '${m[0]}' in format` };
      formats[formats.length - 1] += ex;
      sawLiteral = true;
      i += m[0].length;
    }
  }
  if (!sawLiteral && formats.length > 1) return { error: 'empty format after comma' };
  return { formats };
}

interface RawEvent {
  readonly props: string[];
  readonly name: string;
  readonly args: ArgSpec[];
  readonly formats: string[];
  readonly rawFormat: string;
}

function parseArgs(text: string): ArgSpec[] | string {
  const t = text.trim();
  if (t === 'void') return [];
  if (t === '') return 'empty argument list (write void)';
  const out: ArgSpec[] = [];
  for (const part of t.split(',')) {
    const p = part.trim();
    if (p === '') return 'empty argument';
    let type: string;
    let name: string;
    // tracetool splits on the last `*` (`const char*name`, `char **obj`), else on the last space.
    const star = p.lastIndexOf('*');
    if (star >= 0) {
      type = p.slice(0, star + 1);
      name = p.slice(star + 1).trim();
    } else {
      const m = /^(.*\S)\s+(\S+)$/.exec(p);
      if (m === null) return `argument '${p}' has no name`;
      type = m[1];
      name = m[2];
    }
    if (!/^\w+$/.test(name)) return `argument '${p}' has no valid name`;
    const spec = argSpecFor(type, name);
    if (typeof spec === 'string') return spec;
    out.push(spec);
  }
  if (out.length > MAX_ARGS) return `more than ${MAX_ARGS} arguments`;
  return out;
}

// tracetool: optional property words, the name, `(` args without `)` `)`, then the format.
const EVENT_RE = /^\s*((?:\w+\s+)*)(\w+)\(([^)]*)\)\s*(.*)$/s;

/** Parse one non-comment line into an event, or a reason why it is invalid. */
function parseEventLine(line: string): RawEvent | string {
  const m = EVENT_RE.exec(line);
  if (m === null) {
    if (!line.includes('(')) return 'not an event: no argument list';
    if (!/\([^)]*\)/.test(line)) return 'unterminated argument list';
    return 'not an event: expected [properties] name(args) "format"';
  }
  const props = m[1].split(/\s+/).filter((p) => p !== '');
  const name = m[2];
  for (const p of props) if (!PROPERTIES.has(p)) return `unknown property '${p}'`;
  const args = parseArgs(m[3]);
  if (typeof args === 'string') return args;
  // tracetool ignores text after `)` that does not start a string literal; the format is empty.
  const rawFormat = m[4].startsWith('"') ? m[4].trimEnd() : '';
  let formats = [''];
  if (rawFormat !== '') {
    const f = parseFormatPart(rawFormat);
    if ('error' in f) return f.error;
    formats = f.formats;
  }
  const tcg = props.includes('tcg');
  if (tcg && formats.length !== 2) return "a 'tcg' event needs two formats";
  if (!tcg && formats.length !== 1) return "only 'tcg' events have two formats";
  for (const f of formats) if (f.includes('%m')) return "'%m' is not allowed in a format";
  return { props, name, args, formats, rawFormat };
}

const VCPU_ARG = argSpecFor('void *', '__cpu') as ArgSpec;
const TCGV_EXEC = (a: ArgSpec): ArgSpec => (a.ctype === 'TCGv' ? (argSpecFor('uint64_t', a.name) as ArgSpec) : a);

// A `# file.c` comment: the first word is a path to a source file (not `# misc`, `# See ...rst`).
/** Properties and name of a line that failed to parse, read as leniently as tracetool did. */
const LENIENT_HEAD_RE = /^\s*((?:\w+\s+)*)(\w+)\s*\(/;
const HINT_RE = /^#\s*(\S+\.(?:c|h|m|rs|cpp|cc|inc|S|py))(?=\s|$)(.*)$/;

function sourceHint(comment: string, dir: string | undefined): string {
  const m = HINT_RE.exec(comment) as RegExpExecArray;
  const rest = m[2].trim();
  if (dir === undefined || dir === '' || dir === '.') return rest ? `${m[1]} ${rest}` : m[1];
  const prefixed = normalizePosix(`${dir}/${m[1]}`);
  return rest ? `${prefixed} ${rest}` : prefixed;
}

function normalizePosix(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/**
 * Parse a whole trace-events (or trace-events-all) text. Malformed lines produce errors with
 * file and line; every other line still loads.
 */
export function parseTraceEvents(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const events: EventSpec[] = [];
  const errors: CatalogueError[] = [];
  const holes: PositionHole[] = [];
  const firstPosition = options.firstPosition ?? 0;
  let next = firstPosition;
  const lineOffset = options.lineOffset ?? 0;
  let sourceFile: string | null = null;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed[0] === '#') {
      if (HINT_RE.test(trimmed)) sourceFile = sourceHint(trimmed, options.sourceDir);
      continue;
    }
    const ev = parseEventLine(line);
    if (typeof ev === 'string') {
      errors.push({ file, line: i + 1, reason: ev });
      // A catalogue QEMU was built from had an event on every such line (or the build failed).
      const head = LENIENT_HEAD_RE.exec(line);
      const props = head === null ? [] : head[1].trim().split(/\s+/);
      const name = head === null ? null : head[2];
      for (const suffix of props.includes('tcg') ? ['_trans', '_exec'] : ['']) {
        holes.push({ position: next++, name: name === null ? null : name + suffix, file, line: i + 1, reason: ev, disabled: props.includes('disable') });
      }
      continue;
    }
    const vcpu = ev.props.includes('vcpu');
    const base = {
      properties: ev.props,
      sourceFile,
      line: lineOffset + i + 1,
      disabled: ev.props.includes('disable'),
      rawFormat: ev.rawFormat,
    };
    const shape = (args: ArgSpec[], format: string) =>
      vcpu ? { args: [VCPU_ARG, ...args], format: 'cpu=%p ' + format } : { args, format };
    if (ev.props.includes('tcg')) {
      // `_trans` runs at translation time, where only the non-TCG arguments exist.
      const trans = shape(ev.args.filter((a) => a.ctype !== 'TCGv'), ev.formats[0]);
      events.push({ ...base, name: `${ev.name}_trans`, ...trans, position: next++ });
      const exec = shape(ev.args.map(TCGV_EXEC), ev.formats[1]);
      events.push({ ...base, name: `${ev.name}_exec`, ...exec, position: next++ });
    } else {
      events.push({ ...base, name: ev.name, ...shape(ev.args, ev.formats[0]), position: next++ });
    }
  }
  if (text.length > 0 && !text.endsWith('\n')) {
    // QEMU ≥ 4.0 rejects such a file; its events still load here, and the user hears about it.
    errors.push({ file, line: lines.length, reason: 'file does not end with a newline' });
  }
  return { events, errors, holes };
}
