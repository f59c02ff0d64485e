// The trace-events grammar as tracetool reads it (qemu-trace-formats.md §1.2): one event per
// physical line, optional properties, C arguments, and a format made of C string literals and
// <inttypes.h> PRI macros. Legacy `vcpu` and `tcg` properties are expanded the way tracetool
// did, so positions and argument lists match what old QEMU builds emitted.
import { argSpecFor, normalizeCType } from './ctypes.ts';
import type { ArgSpec, CatalogueError, EventSpec } from './types.ts';

const PROPERTIES = new Set(['disable', 'vcpu', 'tcg']);
const MAX_ARGS = 10;

export interface ParseResult {
  readonly events: EventSpec[];
  readonly errors: CatalogueError[];
}

const PRI_LENGTH: Record<string, string> = {
  '8': 'hh',
  '16': 'h',
  '32': '',
  '64': 'l',
  PTR: 'l',
  MAX: 'j',
  LEAST8: 'hh',
  LEAST16: 'h',
  LEAST32: '',
  LEAST64: 'l',
  // glibc on LP64: the FAST types are 8-bit, then 64-bit for 16/32/64.
  FAST8: 'hh',
  FAST16: 'l',
  FAST32: 'l',
  FAST64: 'l',
};

/** Expand `PRIx64`-style macros to the length modifier + conversion glibc uses on x86_64. */
export function expandPriMacro(name: string): string | null {
  const m = /^PRI([diouxX])(8|16|32|64|PTR|MAX|LEAST8|LEAST16|LEAST32|LEAST64|FAST8|FAST16|FAST32|FAST64)$/.exec(name);
  if (m === null) return null;
  return PRI_LENGTH[m[2]] + m[1];
}

/** Un-escape one C string literal body (without the quotes). */
function unescapeC(body: string): string | { error: string } {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case "'": out += "'"; break;
      case '?': out += '?'; break;
      case 'x': {
        const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 1));
        if (!m) return { error: 'invalid \\x escape in format' };
        out += String.fromCharCode(parseInt(m[0], 16) & 0xff);
        i += m[0].length;
        break;
      }
      default:
        if (n !== undefined && n >= '0' && n <= '7') {
          const m = /^[0-7]{1,3}/.exec(body.slice(i))!;
          out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
          i += m[0].length - 1;
        } else return { error: `invalid escape '\\${n ?? ''}' in format` };
    }
  }
  return out;
}

/**
 * Parse the format part of an event line: string literals, PRI macros, whitespace, and (for
 * `tcg` events) one top-level comma separating the translation and execution formats.
 */
export function parseFormatPart(text: string): { formats: string[] } | { error: string } {
  const formats: string[] = [''];
  let i = 0;
  let sawLiteral = false;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
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
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (m === null) return { error: `unexpected '${c}' in format` };
      const ex = expandPriMacro(m[0]);
      if (ex === null) return { error: `unknown macro '${m[0]}' in format` };
      formats[formats.length - 1] += ex;
      i += m[0].length;
    }
  }
  return { formats };
}

interface RawEvent {
  props: string[];
  name: string;
  args: ArgSpec[];
  formats: string[];
  rawFormat: string;
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
    const spec = argSpecFor(normalizeCType(type), name);
    if (typeof spec === 'string') return spec;
    out.push(spec);
  }
  if (out.length > MAX_ARGS) return `more than ${MAX_ARGS} arguments`;
  return out;
}

/** Parse one non-comment line into an event, or a reason why it is invalid. */
function parseEventLine(line: string): RawEvent | string {
  const open = line.indexOf('(');
  if (open < 0) return 'no argument list';
  const close = line.indexOf(')', open);
  if (close < 0) return 'unterminated argument list';
  const head = line.slice(0, open).trim().split(/\s+/);
  const name = head.pop() ?? '';
  if (!/^\w+$/.test(name)) return `invalid event name '${name}'`;
  const props = head;
  for (const p of props) if (!PROPERTIES.has(p)) return `unknown property '${p}'`;
  const args = parseArgs(line.slice(open + 1, close));
  if (typeof args === 'string') return args;
  const rest = line.slice(close + 1);
  const q = rest.indexOf('"');
  // tracetool ignores anything after ')' that does not start a string: the format is then empty.
  const rawFormat = q < 0 ? '' : rest.slice(q).trimEnd();
  let formats = [''];
  if (q >= 0) {
    const f = parseFormatPart(rawFormat);
    if ('error' in f) return f.error;
    formats = f.formats;
  }
  const tcg = props.includes('tcg');
  if (tcg && formats.length !== 2) return "a 'tcg' event needs two formats";
  if (!tcg && formats.length !== 1) return "only 'tcg' events can have two formats";
  for (const f of formats) {
    if (f.includes('%m')) return "'%m' is not allowed in a format";
  }
  return { props, name, args, formats, rawFormat };
}

const VCPU_ARG: ArgSpec = argSpecFor('void *', '__cpu') as ArgSpec;

/**
 * Parse a whole trace-events (or trace-events-all) text. Malformed lines produce errors with
 * file and line; every other line still loads.
 */
export function parseTraceEvents(text: string, file: string): ParseResult {
  const events: EventSpec[] = [];
  const errors: CatalogueError[] = [];
  let sourceFile: string | null = null;
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const hint = /^#\s*(\S+\.(?:c|h|m|rs|cpp|inc)(?:\s.*)?)$/.exec(trimmed);
      if (hint) sourceFile = hint[1].trim();
      continue;
    }
    const ev = parseEventLine(line);
    if (typeof ev === 'string') {
      errors.push({ file, line: i + 1, reason: ev });
      continue;
    }
    const vcpu = ev.props.includes('vcpu');
    const base = {
      properties: ev.props,
      sourceFile,
      line: i + 1,
      disabled: ev.props.includes('disable'),
      rawFormat: ev.rawFormat,
    };
    const withCpu = (args: ArgSpec[], fmt: string) => (vcpu ? { args: [VCPU_ARG, ...args], format: 'cpu=%p ' + fmt } : { args, format: fmt });
    if (ev.props.includes('tcg')) {
      const trans = withCpu(ev.args.filter((a) => a.ctype !== 'TCGv'), ev.formats[0]);
      events.push({ ...base, name: `${ev.name}_trans`, ...trans, position: events.length });
      const execArgs = ev.args.map((a) => (a.ctype === 'TCGv' ? (argSpecFor('uint64_t', a.name) as ArgSpec) : a));
      const exec = withCpu(execArgs, ev.formats[1]);
      events.push({ ...base, name: `${ev.name}_exec`, ...exec, position: events.length });
    } else {
      events.push({ ...base, name: ev.name, ...withCpu(ev.args, ev.formats[0]), position: events.length });
    }
  }
  if (text.length > 0 && !text.endsWith('\n')) {
    // QEMU ≥ 4.0 rejects such files; the events still load, the user hears about it.
    errors.push({ file, line: lines.length, reason: 'file does not end with a newline' });
  }
  return { events, errors };
}
