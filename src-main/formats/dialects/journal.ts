// `journalctl -o json` (or json-seq) export of QEMU's syslog backend (docs/qemu-trace-formats.md §4.2):
// one JSON object per line. MESSAGE is `name msg`; it is a string, or an array of byte values
// when the journal holds it as non-UTF-8 binary. A field stored several times is an array of
// such values (the first is used). _PID is the process id; TID/_TID, when present, the thread.
// __REALTIME_TIMESTAMP (µs since the epoch, when journald received the entry) is the time.
// As for syslog, a line is a record only when its name is known or its ident/comm names QEMU.
import { isUtf8 } from 'node:buffer';
import type { TextDialect, TextHeader } from '../text-types.ts';
import { MAX_TS_NS, messageAfter, nameEnd } from './scan.ts';

const INT_RE = /^\d{1,15}$/;
const USEC_RE = /^\d{1,20}$/;

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function isByteArray(v: JsonValue[]): boolean {
  for (const x of v) if (typeof x !== 'number') return false;
  return true;
}

/** A journal field as text: a string, a byte array (decoded lossily), or the first of several. */
function fieldText(v: JsonValue | undefined): string | null {
  // Iterative, so that absurdly nested input cannot exhaust the stack.
  let cur = v;
  while (Array.isArray(cur) && cur.length > 0) {
    if (isByteArray(cur)) return Buffer.from(cur as number[]).toString('utf8');
    cur = cur[0];
  }
  return typeof cur === 'string' ? cur : null;
}

function fieldInt(v: JsonValue | undefined): number | null {
  const t = typeof v === 'number' ? String(v) : fieldText(v);
  if (t === null || !INT_RE.test(t)) return null;
  return Number(t);
}

export function parseJournalLine(line: string, isKnown: (name: string) => boolean): TextHeader | null {
  let start = 0;
  while (start < line.length && (line.charCodeAt(start) === 0x1e || line.charCodeAt(start) === 32)) start++;
  if (line.charCodeAt(start) !== 123 /* { */) return null;
  let obj: JsonValue;
  try {
    obj = JSON.parse(start === 0 ? line : line.slice(start)) as JsonValue;
  } catch {
    return null;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const message = fieldText(obj.MESSAGE);
  if (message === null) return null;
  const bytes = messageBytes(obj.MESSAGE);
  const end = nameEnd(message, 0);
  if (end < 0) return null;
  const name = message.slice(0, end);
  if (!isKnown(name)) {
    const ident = `${fieldText(obj.SYSLOG_IDENTIFIER) ?? ''} ${fieldText(obj._COMM) ?? ''}`;
    if (ident.toLowerCase().indexOf('qemu') < 0) return null;
  }
  const rt = fieldText(obj.__REALTIME_TIMESTAMP);
  // A receive time past what ts_ns (BIGINT) holds is left out rather than wrapped.
  const us = rt !== null && USEC_RE.test(rt) ? BigInt(rt) : null;
  const tsNs = us !== null && us * 1000n <= MAX_TS_NS ? us * 1000n : null;
  return {
    tsNs,
    tid: fieldInt(obj.TID) ?? fieldInt(obj._TID),
    pid: fieldInt(obj._PID),
    name,
    msg: messageAfter(message, end),
    prefixStyle: 'journal',
    ...(bytes !== null && !isUtf8(bytes) ? { raw: bytes } : {}),
  };
}

/** The bytes of a MESSAGE given as a byte array (the first of several), else null. */
function messageBytes(v: JsonValue | undefined): Uint8Array | null {
  let cur = v;
  while (Array.isArray(cur) && cur.length > 0) {
    if (isByteArray(cur)) return Uint8Array.from(cur as number[]);
    cur = cur[0];
  }
  return null;
}

export const journal: TextDialect = {
  format: 'journal',
  clock: 'epoch',
  parse: parseJournalLine,
};
