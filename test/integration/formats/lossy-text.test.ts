// Text that is not valid UTF-8 (docs/qemu-trace-formats.md §2.9, §3.5, §6.11): the record is typed
// with U+FFFD in place of the bad bytes, and the exact bytes are kept in `lossy`, for log lines
// (events and foreign lines) and simpletrace string arguments alike.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, scratch } from '../../helpers/paths.ts';
import { SimpletraceWriter } from '../../helpers/simpletrace-writer.ts';

const tmp = scratch('qtw-lossy-');
afterAll(tmp.cleanup);

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

async function ingest(name: string, bytes: Uint8Array, messages: string[]) {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, bytes);
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `${name}.duckdb`));
  const summary = await engine.openInputs([file], { catalogues: [DEBIAN_72] }, { onMessage: (m) => void messages.push(m) });
  return { engine, summary, file };
}

const hex = (b: Buffer) => b.toString('hex');

describe('lossily decoded text keeps its exact bytes in lossy', () => {
  it('log: an event whose %s holds Latin-1 bytes, a foreign line, and a bad continuation line of a %s', async () => {
    const lines = [
      Buffer.from('1000@1732562605.000001:savevm_section_start caf\xe9-\xff, section_id 3', 'latin1'),
      Buffer.from('1000@1732562605.000002:migration_bitmap_sync_start '),
      // Cannot continue an event without strings: a foreign line.
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x20, 0x66, 0x6f, 0x6f]),
      Buffer.from('1000@1732562605.000003:vmstate_load_field_error field "setup'),
      // Continues the %s of the event before it, whose message is not complete without it.
      Buffer.from('\xff tail" load failed, ret = -5', 'latin1'),
      Buffer.from('1000@1732562605.000004:migrate_set_state new state caf\u00e9'),
    ];
    const messages: string[] = [];
    const { engine, summary, file } = await ingest('latin1.log', Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])), messages);
    try {
      const t = summary.traces[0];
      expect([t.records, t.events, t.unparsed]).toEqual([5, 4, 1]);
      expect(await rows(engine, 'SELECT seq, id, section_id FROM savevm_section_start')).toEqual([[0n, 'caf\ufffd-\ufffd', 3]]);
      expect(await rows(engine, 'SELECT seq, line_no, raw FROM unparsed')).toEqual([[2n, 3n, '\ufffd(\ufffd\ufffd foo']]);
      expect(await rows(engine, 'SELECT seq, line_no, name, arg, raw FROM lossy ORDER BY seq')).toEqual([
        [0n, 1n, 'savevm_section_start', null, hex(lines[0])],
        [2n, 3n, null, null, hex(lines[2])],
        [3n, 5n, 'vmstate_load_field_error', null, hex(lines[4])],
      ]);
      // A valid multi-byte character is not lossy.
      expect(await rows(engine, `SELECT seq, field, ret FROM vmstate_load_field_error`)).toEqual([[3n, 'setup\n\ufffd tail', -5]]);
      expect(await rows(engine, `SELECT seq, new_state FROM migrate_set_state ORDER BY seq`)).toEqual([[4n, 'caf\u00e9']]);
      expect(messages).toContain(`${file}: line 1: 3 records hold text that is not valid UTF-8 (stored with U+FFFD in its place; the exact bytes are kept in lossy)`);
    } finally {
      engine.close();
    }
  });

  it('journal: a MESSAGE byte array that is not UTF-8', async () => {
    const bytes = [...Buffer.from('migrate_set_state new state '), 0xe9, 0x74, 0xe9];
    const lines = [
      JSON.stringify({ MESSAGE: 'migrate_set_state new state setup', _PID: '7', SYSLOG_IDENTIFIER: 'qemu-system-x86_64', __REALTIME_TIMESTAMP: '1732562605000001' }),
      JSON.stringify({ MESSAGE: bytes, _PID: '7', SYSLOG_IDENTIFIER: 'qemu-system-x86_64', __REALTIME_TIMESTAMP: '1732562605000002' }),
    ];
    const { engine, summary } = await ingest('bytes.json', Buffer.from(lines.join('\n') + '\n'), []);
    try {
      expect([summary.traces[0].format, summary.traces[0].events]).toEqual(['journal', 2]);
      expect(await rows(engine, 'SELECT seq, new_state FROM migrate_set_state ORDER BY seq')).toEqual([[0n, 'setup'], [1n, '\ufffdt\ufffd']]);
      expect(await rows(engine, 'SELECT seq, line_no, name, arg, raw FROM lossy')).toEqual([[1n, 2n, 'migrate_set_state', null, Buffer.from(bytes).toString('hex')]]);
    } finally {
      engine.close();
    }
  });

  it('simpletrace: a string argument of invalid UTF-8', async () => {
    const bad = Buffer.from([0x72, 0x61, 0x6d, 0xff, 0xfe, 0x00, 0x80]);
    const good = Buffer.from('m\u00e9m');
    const payload = (s: Buffer, section: bigint) => {
      const b = Buffer.alloc(4 + s.length + 8);
      b.writeUInt32LE(s.length, 0);
      s.copy(b, 4);
      b.writeBigUInt64LE(section, 4 + s.length);
      return b;
    };
    const w = new SimpletraceWriter({ littleEndian: true, version: 4 });
    w.mapping(5, 'savevm_section_start');
    w.rawEvent(5, 10n, 77, payload(bad, 1n));
    w.rawEvent(5, 11n, 77, payload(good, 2n));
    const messages: string[] = [];
    const { engine, summary, file } = await ingest('bad-string.simple', w.bytes(), messages);
    try {
      expect(summary.traces[0].events).toBe(2);
      expect(await rows(engine, 'SELECT seq, id, section_id FROM savevm_section_start ORDER BY seq')).toEqual([
        [0n, 'ram\ufffd\ufffd\u0000\ufffd', 1],
        [1n, 'm\u00e9m', 2],
      ]);
      expect(await rows(engine, 'SELECT seq, line_no, name, arg, raw FROM lossy')).toEqual([[0n, null, 'savevm_section_start', 'id', hex(bad)]]);
      expect(messages).toContain(`${file}: record 0: 1 record holds text that is not valid UTF-8 (stored with U+FFFD in its place; the exact bytes are kept in lossy)`);
    } finally {
      engine.close();
    }
  });
});
