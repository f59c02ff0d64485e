// ts_ns is a BIGINT: nanoseconds up to 2262-04-11T23:47:16.854775807Z. A prefix whose time lies
// past that is not read as a timestamp (it would wrap to a wrong value without a word); the line
// then goes to `unparsed` like any line that is not a record. At the limit itself, all is kept.
import { describe, expect, it } from 'vitest';
import { dialects } from '../../../../src-main/formats/dialects/index.ts';
import { LogBytesParser } from '../../../../src-main/formats/dialects/log-bytes.ts';
import { MAX_TS_NS } from '../../../../src-main/formats/dialects/scan.ts';

const MAX = MAX_TS_NS;
const yes = () => true;

function logBoth(line: string): { string: bigint | null; bytes: bigint | null } {
  const h = dialects.log.parse(line, yes);
  const p = new LogBytesParser();
  const b = Buffer.from(line, 'latin1');
  const prefixed = h !== null && h !== 'skip' && h.prefixStyle !== 'none' ? h.tsNs : null;
  return { string: prefixed, bytes: p.parse(b, 0, b.length) ? p.tsNs : null };
}

describe('timestamps beyond ts_ns', () => {
  it('log: TID@ and ISO-8601 prefixes, in both parsers', () => {
    // The largest µs-resolution second that fits, and one µs past the limit's second.
    expect(logBoth('1@9223372036.854775:ev x')).toEqual({ string: 9223372036854775000n, bytes: 9223372036854775000n });
    expect(logBoth('1@9223372036.854776:ev x')).toEqual({ string: null, bytes: null });
    expect(logBoth('1@99999999999999.000000:ev x')).toEqual({ string: null, bytes: null });
    expect(logBoth('2262-04-11T23:47:16.854775807Z ev x')).toEqual({ string: MAX, bytes: MAX });
    expect(logBoth('2262-04-11T23:47:16.854775808Z ev x')).toEqual({ string: null, bytes: null });
    expect(logBoth('9999-12-31T23:59:59Z ev x')).toEqual({ string: null, bytes: null });
  });

  it('stap, syslog, ftrace, babeltrace and journal', () => {
    const ok = (h: ReturnType<typeof dialects.stap.parse>) => (h !== null && h !== 'skip' ? h.tsNs : 'rejected');
    expect(ok(dialects.stap.parse(`7@${MAX} ev x`, yes))).toBe(MAX);
    expect(ok(dialects.stap.parse(`7@${MAX + 1n} ev x`, yes))).toBe('rejected');
    expect(ok(dialects.syslog.parse('2262-04-11T23:47:16.854775Z host qemu[7]: ev x', yes))).toBe(9223372036854775000n);
    expect(ok(dialects.syslog.parse('2262-04-11T23:47:17Z host qemu[7]: ev x', yes))).toBe('rejected');
    expect(ok(dialects.ftrace.parse('  qemu-7 [000] .....  9223372036.854775807: tracing_mark_write: ev x', yes))).toBe(MAX);
    expect(ok(dialects.ftrace.parse('  qemu-7 [000] .....  9223372037.000000000: tracing_mark_write: ev x', yes))).toBe('rejected');
    expect(ok(dialects.babeltrace.parse('[9223372036.854775807] qemu:ev: { }, { x = 1 }', yes))).toBe(MAX);
    expect(ok(dialects.babeltrace.parse('[9223372036.854775808] qemu:ev: { }, { x = 1 }', yes))).toBe('rejected');
    // A journal entry is still a record: only its receive time, out of range, is left out.
    const entry = (us: string) => JSON.stringify({ __REALTIME_TIMESTAMP: us, MESSAGE: 'ev x', _PID: '7', SYSLOG_IDENTIFIER: 'qemu-system-x86_64' });
    expect(ok(dialects.journal.parse(entry('9223372036854775'), yes))).toBe(9223372036854775000n);
    expect(ok(dialects.journal.parse(entry('9223372036854776'), yes))).toBeNull();
  });
});
