// The dialect of a text trace is the one under which the catalogue types the most records of the
// sniff window. Users paste the `-trace events=` file they ran with (one event name a line) ahead
// of the trace: those names alone must not make the trace a no-prefix log.
import { describe, it, expect } from 'vitest';
import { loadCatalogueFile } from '../../../../src-main/catalogue/index.ts';
import { makeDecoder, planFor } from '../../../../src-main/ingest/pipeline/decoders.ts';
import type { EventRecord, RecordSink, UnparsedRecord } from '../../../../src-main/formats/types.ts';
import { DEBIAN_72 } from '../../../helpers/paths.ts';

const cat = loadCatalogueFile(DEBIAN_72);

/** An events file as users keep it: names of events with and without arguments. */
const EVENT_LIST = [
  'migrate_set_state',
  'migration_bitmap_sync_start',
  'migration_bitmap_sync_end',
  'migration_thread_setup_complete',
  'migration_thread_after_loop',
  'migration_completion_file_err',
  'savevm_state_setup',
  'savevm_state_header',
  'savevm_state_iterate',
  'savevm_state_complete_precopy',
  'qemu_savevm_send_postcopy_advise',
  'loadvm_state_setup',
  'multifd_send_sync_main',
  'vm_state_notify',
  'runstate_set',
];

/** The trace after the list: [sec, usec, name, msg] of real 7.2 records. */
const RECORDS: [number, number, string, string][] = [
  [1764098585, 253839, 'migrate_set_state', 'new state setup'],
  [1764098585, 253901, 'migration_bitmap_sync_end', 'dirty_pages 262144'],
  [1764098585, 254010, 'migrate_set_state', 'new state active'],
  [1764098586, 1, 'vm_state_notify', 'running 0 reason 7 (finish-migrate)'],
  [1764098586, 99, 'migrate_set_state', 'new state completed'],
];

const EXPECTED_ARGS = [['setup'], [262144n], ['active'], [0, 7, 'finish-migrate'], ['completed']];

interface Decoded {
  format: string;
  events: EventRecord[];
  unparsed: UnparsedRecord[];
}

function decode(text: string): Decoded {
  const bytes = Buffer.from(text);
  const plan = planFor(bytes, [cat]);
  if (plan.kind !== 'text') throw new Error(`not decoded as text: ${JSON.stringify(plan)}`);
  const events: EventRecord[] = [];
  const unparsed: UnparsedRecord[] = [];
  const sink: RecordSink = { event: (r) => events.push(r), unparsed: (r) => unparsed.push(r), dropped: () => {} };
  const dec = makeDecoder(plan, 'pasted.txt', cat);
  dec.push(bytes, sink);
  dec.end(sink);
  return { format: plan.format, events, unparsed };
}

const withList = (lines: string[]): string => `${[...EVENT_LIST, ...lines].join('\n')}\n`;
const nsOf = (sec: number, usec: number): bigint => BigInt(sec) * 1_000_000_000n + BigInt(usec) * 1000n;

describe('a pasted list of event names ahead of the trace', () => {
  it('does not make a syslog trace a no-prefix log', () => {
    const utc = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 19);
    const d = decode(withList(RECORDS.map(([sec, usec, name, msg]) => `${utc(sec)}.${String(usec).padStart(6, '0')}+00:00 vmhost qemu-system-x86_64[4242]: ${name} ${msg}`)));
    expect(d.format).toBe('syslog');
    expect(d.events.map((e) => [e.tsNs, e.pid, e.tid, e.event.name, e.args])).toEqual(
      RECORDS.map(([sec, usec, name], k) => [nsOf(sec, usec), 4242, null, name, EXPECTED_ARGS[k]]),
    );
    expect(d.events.map((e) => e.line)).toEqual([16, 17, 18, 19, 20]);
    // The names are no syslog records: each is kept, nothing is glued to a value.
    expect(d.unparsed.map((u) => u.line)).toEqual(EVENT_LIST.map((_, k) => k + 1));
  });

  it('does not make a traditional (year-less) syslog trace a no-prefix log', () => {
    const d = decode(withList(RECORDS.map(([, , name, msg], k) => `Nov 25 19:23:0${k} vmhost qemu-system-x86_64[4242]: ${name} ${msg}`)));
    expect(d.format).toBe('syslog');
    expect(d.events.map((e) => [e.event.name, e.args])).toEqual(RECORDS.map(([, , name], k) => [name, EXPECTED_ARGS[k]]));
  });

  it('does not make a journal export a no-prefix log', () => {
    const d = decode(
      withList(
        RECORDS.map(([sec, usec, name, msg]) =>
          JSON.stringify({ __REALTIME_TIMESTAMP: `${sec}${String(usec).padStart(6, '0')}`, _PID: '4242', SYSLOG_IDENTIFIER: 'qemu-system-x86_64', MESSAGE: `${name} ${msg}` }),
        ),
      ),
    );
    expect(d.format).toBe('journal');
    expect(d.events.map((e) => [e.tsNs, e.pid, e.event.name, e.args])).toEqual(
      RECORDS.map(([sec, usec, name], k) => [nsOf(sec, usec), 4242, name, EXPECTED_ARGS[k]]),
    );
  });

  it('leaves a TID@SEC.USEC log a log, its records typed', () => {
    const d = decode(withList(RECORDS.map(([sec, usec, name, msg]) => `4242@${sec}.${String(usec).padStart(6, '0')}:${name} ${msg}`)));
    expect(d.format).toBe('log');
    const timed = d.events.filter((e) => e.tsNs !== null);
    expect(timed.map((e) => [e.tsNs, e.tid, e.event.name, e.args])).toEqual(
      RECORDS.map(([sec, usec, name], k) => [nsOf(sec, usec), 4242, name, EXPECTED_ARGS[k]]),
    );
  });

  it('decides even when the list is longer than the sniff window', () => {
    const long = Array.from({ length: 250 }, (_, k) => EVENT_LIST[k % EVENT_LIST.length]);
    const lines = RECORDS.map(([sec, usec, name, msg]) => `${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(usec).padStart(6, '0')}Z vmhost qemu-system-x86_64[7]: ${name} ${msg}`);
    const d = decode(`${[...long, ...lines].join('\n')}\n`);
    expect(d.format).toBe('syslog');
    expect(d.events.map((e) => [e.tsNs, e.event.name, e.args])).toEqual(RECORDS.map(([sec, usec, name], k) => [nsOf(sec, usec), name, EXPECTED_ARGS[k]]));
  });

  it('alone is no trace', () => {
    const bytes = Buffer.from(`${EVENT_LIST.filter((n) => n.startsWith('migrate')).join('\n')}\n`);
    expect(planFor(bytes, [cat])).toEqual({ kind: 'none', reason: 'no QEMU trace records recognised in the first 1 lines' });
  });
});

describe('a no-prefix log', () => {
  it('whose events print nothing is still a no-prefix log', () => {
    // QEMU prints `name ` for an event with an empty format; an editor may drop the space.
    const text = ['savevm_state_setup ', 'migration_bitmap_sync_start', 'savevm_state_header', 'migrate_set_state new state active', 'migration_thread_after_loop '].join('\n');
    const d = decode(`${text}\n`);
    expect(d.format).toBe('log');
    expect(d.events.map((e) => [e.tsNs, e.tid, e.event.name, e.args])).toEqual([
      [null, null, 'savevm_state_setup', []],
      [null, null, 'migration_bitmap_sync_start', []],
      [null, null, 'savevm_state_header', []],
      [null, null, 'migrate_set_state', ['active']],
      [null, null, 'migration_thread_after_loop', []],
    ]);
    expect(d.unparsed).toEqual([]);
  });
});
