// Which lines may continue the message of the record before them. QEMU's log backend prints a
// record on several lines only when its format holds a `\n` (before 9.1) or a `%s` value does
// (7.2's TPM hexdumps; vfio/OHCI register dumps are format `\n`s; docs/qemu-trace-formats.md §3.1,
// §6.20). Such lines are hex bytes or the format's own fields: never blank (but for an empty `%s`
// on a format line), never another program's output. Which of them may extend a `%s` value is
// decided by the value's shape in text-decoder.ts (notInValue); this file says what never may.
// What surrounds a trace in real files and pastes is: blank lines, elision marks, error_report
// and libvirt lines, prompts, Markdown fences and records of another logger. Gluing one of those
// onto a `%s` value gives wrong data that looks right, so a line joins only when it is none of them.
import type { TraceFormat } from '../types.ts';
import { DIALECT_ORDER, dialects } from './index.ts';
import { isFtraceRecordLine } from './ftrace.ts';

/**
 * Whether records of this format can span lines at all. syslog daemons, journald and babeltrace
 * escape newlines, so in their output every line stands alone.
 */
export function formatSpansLines(format: TraceFormat): boolean {
  return format === 'log' || format === 'stap' || format === 'ftrace';
}

// `...`, `…`, `[...]`, `[… 300 lines …]`, `<snip>`, `[snip]`, `-- snip --`, `8<---`: what people
// put where they cut a trace short.
const ELISION_RE = /^\s*(?:\.{3,}|…|[[(<{]\s*(?:\.{2,}|…|snip|cut|trimmed|omitted|elided)|-*\s*(?:snip|cut here)\b|-+\s*(?:8<|>8)|(?:8<|>8)-)/i;
const FENCE_RE = /^ {0,3}(?:```|~~~)/;
const HMP_RE = /^\(qemu\)(?: |$)/;
// `$ cmd`, `# cmd`, `% cmd`, `user@host:~/dir$ cmd`, `[user@host dir]# cmd`, `~/qemu$ cmd`, `(gdb) bt`.
const SHELL_RE = /^(?:[$#%] |[\w.-]+@[\w.-]+(?::[^\s]*)?\s?[$#%] ?|\[[\w.-]+@[\w.-]+[^\]]*\][$#%] ?|~[^\s]*[$#] |\(gdb\)(?: |$))/;
// error_report: `[ISO-8601 stamp ]program: message` (10.1+ stamps it with -msg timestamp=on). Any
// `word: ` at the very start counts: QEMU's own continuation lines are hex bytes, indented fields
// or JSON and never start so, while warn_report, other tools and libvirt's helpers all do. A
// hexdump line's offset (`00a0: 12 34`) is not a program name.
const PROGRAM_MSG_RE = /^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z )?([\w.+/-]+): \S/;
const HEX_OR_DIGITS_RE = /^(?:0x)?[0-9a-fA-F]+$/;
const QEMU_PROGRAM_RE = /(?:^|\/)qemu|^(?:kvm|virtiofsd)$/;
// GLib's own messages: `(qemu-system-x86_64:1234): GLib-WARNING **: ...`.
const GLIB_RE = /^\([\w.+/-]+:\d+\): [\w-]+(?:-[A-Z]+)? \*\*/;
// libvirt's domain log stamps its own lines `2026-11-25 20:23:15.123+0000: ...`; any other
// calendar stamp at the start of a line is another logger's too.
const LIBVIRT_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4}: /;
const STAMPED_RE = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/;
// libvirt logs the command line it starts QEMU with: environment assignments, then the binary.
const LIBVIRT_CMDLINE_RE = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+\S*qemu/;
// `Nov 25 20:23:15 host ...` (any locale's short month), and dmesg's `[ 1234.567890] `.
const SYSLOG_STAMP_RE = /^\p{L}{3,5}\.? +\d{1,2} \d\d:\d\d:\d\d /u;
const DMESG_RE = /^\[ *\d+\.\d{6}\] /;
// The comment block at the top of the kernel's trace file (a `#` line is otherwise a root prompt).
const FTRACE_HEADER_RE = /^# (?:tracer: |entries-in-buffer|\s*(?:TASK-PID|_-+=>|\|))/;

/** The dialect in whose output `line` is a record (a kernel event counts for ftrace), or null. */
function recordOf(line: string, isKnown: (name: string) => boolean): string | null {
  for (const id of DIALECT_ORDER) {
    const h = dialects[id].parse(line, isKnown);
    if (h !== null && h !== 'skip') return id;
  }
  return isFtraceRecordLine(line) ? 'ftrace' : null;
}

/**
 * What `line` is when it cannot continue a QEMU message (a short description for `unparsed`),
 * or null when it may. Only asked about lines the trace's own dialect did not read as a record.
 */
export function notAContinuation(line: string, isKnown: (name: string) => boolean): string | null {
  if (/^\s*$/.test(line)) return 'blank line';
  if (FENCE_RE.test(line)) return 'Markdown fence';
  if (HMP_RE.test(line)) return 'HMP prompt';
  if (ELISION_RE.test(line)) return 'elision mark';
  const c0 = line.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    if (LIBVIRT_RE.test(line)) return 'libvirt log line';
    const m = PROGRAM_MSG_RE.exec(line);
    if (m !== null && !HEX_OR_DIGITS_RE.test(m[1])) return programLine(m[1]);
    if (STAMPED_RE.test(line)) return 'timestamped line of another logger';
  } else {
    const m = PROGRAM_MSG_RE.exec(line);
    if (m !== null && !HEX_OR_DIGITS_RE.test(m[1])) return programLine(m[1]);
  }
  if (LIBVIRT_CMDLINE_RE.test(line)) return 'libvirt log line';
  if (GLIB_RE.test(line)) return 'GLib log line';
  if (FTRACE_HEADER_RE.test(line)) return 'ftrace header line';
  if (SHELL_RE.test(line)) return 'shell prompt';
  const dialect = recordOf(line, isKnown);
  if (dialect !== null) return `${dialect} record`;
  if (SYSLOG_STAMP_RE.test(line) || DMESG_RE.test(line)) return 'timestamped line of another logger';
  return null;
}

// Bytes as `%.2X ` / `%02x ` print them, one space apart, a space maybe after the last.
const HEX_ROW_RE = /^(?:[0-9a-fA-F]{2} )*[0-9a-fA-F]{2} ?$/;

/**
 * Whether `line` is a row of hex bytes (`80 01 00 00 00 16 `), the one shape in which QEMU breaks
 * a `%s` value over lines (7.2's tpm_util_show_buffer: a newline every 16 bytes). A hexdump with
 * an offset column or an ASCII column (`00000000  51 45 56 4d  |QEVM|`) is another tool's.
 */
export function isHexRow(line: string): boolean {
  return HEX_ROW_RE.test(line);
}

/**
 * A `%s` value that is one word: a state, device, node or file name (`cancelled`, `virtio-net-pci`,
 * `/dev/sda`). QEMU prints such a value whole on its line; a line after it is no part of it. A
 * run of hex digits is not counted: it may be the first line of a wrapped hexdump.
 */
export function oneWordValue(v: string): boolean {
  return /^[\w.:/@+-]+$/.test(v) && !/^(?:0x)?[0-9a-fA-F]+$/.test(v);
}

function programLine(program: string): string {
  return QEMU_PROGRAM_RE.test(program) ? 'error_report line' : `message of another program ('${program}:')`;
}
