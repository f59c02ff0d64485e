// Continuation lines only where QEMU makes them. Real 7.2 and 10.2 log lines with, right after
// events whose format ends in `%s`, what surrounds traces in real files and pastes: blank lines,
// elisions, error_report lines (with and without the 10.1+ stamp), libvirt lines, HMP and shell
// prompts, Markdown fences. None may be glued onto the `%s` value; each goes to `unparsed` with
// its reason and line number; a record QEMU really printed on several lines still joins and its
// lines are counted. The same in-thread, in a parse worker and decoded in segments.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { WorkspaceEngine } from '../../../../src-main/service/workspace-engine.ts';
import type { IngestSummary } from '../../../../src-main/contract.ts';
import { loadCatalogueFile } from '../../../../src-main/catalogue/index.ts';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../../helpers/paths.ts';
import { expectNoGluedNewlines } from '../../../helpers/newlines.ts';
import { segmentedStats } from '../../../../src-main/ingest/pipeline/parse-segmented.ts';

const tmp = scratch('qtw-continuations-');
afterAll(() => tmp.cleanup());

const CAT_10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy/trace-events-all');
const cat72 = loadCatalogueFile(DEBIAN_72);

type Row = unknown[];

async function rows(engine: WorkspaceEngine, sql: string): Promise<Row[]> {
  const out: Row[] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

function realLines(rel: string, n: number): string[] {
  return gunzipSync(readFileSync(path.join(SAMPLES, rel))).toString('utf8').split('\n').slice(0, n);
}

function write(name: string, lines: string[]): string {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

/** Ingests with the parse-pipeline settings in `env`; the engine stays open for queries. */
async function ingest(label: string, file: string, catalogue: string, env: Record<string, string> = { QTW_PARSE_WORKER: '0' }): Promise<{ engine: WorkspaceEngine; summary: IngestSummary }> {
  const keys = ['QTW_PARSE_WORKER', 'QTW_PARSE_WORKERS', 'QTW_PARSE_SEGMENT_BYTES'];
  const prev = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  for (const k of keys) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, `${label}.duckdb`));
    const summary = await engine.openInputs([file], { catalogues: [catalogue] });
    expect(summary.errors).toEqual([]);
    expect(summary.traces).toHaveLength(1);
    return { engine, summary };
  } finally {
    for (const k of keys) {
      if (prev[k] === undefined) delete process.env[k];
      else process.env[k] = prev[k];
    }
  }
}

/** Every event table's rows without seq (which counts unparsed rows too), in file order. */
async function typedValues(engine: WorkspaceEngine): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const [t] of await rows(engine, 'SELECT name FROM qtw_event_tables ORDER BY name')) {
    out[String(t)] = await rows(engine, `SELECT * EXCLUDE (trace_id, seq) FROM "${String(t)}" ORDER BY seq`);
  }
  return out;
}

const unparsedRows = (engine: WorkspaceEngine) => rows(engine, 'SELECT line_no, reason, raw FROM unparsed ORDER BY seq');
const continuationLines = async (engine: WorkspaceEngine) => Number((await rows(engine, 'SELECT continuation_lines FROM traces'))[0][0]);
const glued = (kind: string) => `${kind} (not part of the previous record)`;

/** Whether the event of a `TID@SEC.USEC:name msg` line has a format that ends in `%s`. */
function endsInString(line: string): boolean {
  const m = /^\d+@\d+\.\d{6}:(\w+) /.exec(line);
  return m !== null && (cat72.get(m[1])?.format.endsWith('%s') ?? false);
}

// ------------------------------------------------------------------------------------------------

describe('7.2 log: lines after a %s-final event that are not part of it', () => {
  const head = realLines('qemu-7.2.22-log/a-precopy/src.log.gz', 40);
  // The 7.2.22 migration thread's cancel path, and a TPM command as 7.2's tpm_util_show_buffer
  // prints it ("direction: %s len: %zu\n%s", the buffer as "%.2X " with a newline every 16 bytes).
  const tail = [
    '27968@1795635791.300001:migrate_set_state new state cancelling',
    '27968@1795635791.300002:migrate_set_state new state cancelled',
    '27501@1795635791.300003:tpm_util_show_buffer direction: in len: 22',
    '80 01 00 00 00 16 00 00 01 44 00 00 00 00 00 00 ',
    '00 00 00 00 00 00 ',
  ];
  const foreign: [string, string][] = [
    ['', 'blank line'],
    ['...', 'elision mark'],
    ['[...]', 'elision mark'],
    ['<snip>', 'elision mark'],
    ['qemu-system-x86_64: ram_save_setup failed: Input/output error', 'error_report line'],
    ['2026-11-25T20:23:15.123456Z qemu-system-x86_64: load of migration failed: Input/output error', 'error_report line'],
    ['qemu-kvm: warning: host doesn\'t support requested feature: CPUID.01H:ECX.vmx [bit 5]', 'error_report line'],
    [
      '2026-11-25 20:23:15.123+0000: 2841: info : qemuMonitorJSONIOProcessLine:208 : QEMU_MONITOR_RECV_REPLY: mon=0x7f2a4c00a0b0 reply={"return": {}, "id": "libvirt-12"}',
      'libvirt log line',
    ],
    ['(qemu) info migrate', 'HMP prompt'],
    ['$ virsh migrate --live guest qemu+ssh://dst/system', 'shell prompt'],
    ['user@host:~$ zcat src.log.gz | grep migrate_set_state', 'shell prompt'],
    ['[snip]', 'elision mark'],
  ];

  /** The head with a foreign line after each of its %s-final events, then the tail. */
  function polluted(): { lines: string[]; expected: Row[] } {
    const lines: string[] = [];
    const expected: Row[] = [];
    let k = 0;
    for (const l of head) {
      lines.push(l);
      if (k < foreign.length && endsInString(l)) {
        const [text, kind] = foreign[k++];
        lines.push(text);
        expected.push([BigInt(lines.length), glued(kind), text]);
      }
    }
    expect(k).toBe(foreign.length);
    lines.push(...tail.slice(0, 2));
    // The issue's own example, right after the state it used to corrupt.
    lines.push(foreign[4][0]);
    expected.push([BigInt(lines.length), glued('error_report line'), foreign[4][0]]);
    lines.push(...tail.slice(2));
    return { lines, expected };
  }

  it('types every value as the clean log does, and files each foreign line with its reason and line number', async () => {
    const clean = await ingest('clean72', write('clean72.log', [...head, ...tail]), DEBIAN_72);
    const { lines, expected } = polluted();
    const dirty = await ingest('dirty72', write('dirty72.log', lines), DEBIAN_72);
    try {
      expect(clean.summary.traces[0].unparsed).toBe(0);
      const t = dirty.summary.traces[0];
      expect(t.format).toBe('log');
      expect(t.unparsed).toBe(expected.length);
      expect(t.events).toBe(clean.summary.traces[0].events);
      expect(await unparsedRows(dirty.engine)).toEqual(expected);
      expect(await typedValues(dirty.engine)).toEqual(await typedValues(clean.engine));

      expect(await rows(dirty.engine, 'SELECT new_state FROM migrate_set_state ORDER BY seq')).toEqual([['setup'], ['active'], ['cancelling'], ['cancelled']]);
      expect(await rows(dirty.engine, 'SELECT prev_state, state FROM migration_states ORDER BY seq')).toEqual([
        [null, 'setup'],
        ['setup', 'active'],
        ['active', 'cancelling'],
        ['cancelling', 'cancelled'],
      ]);
      expect(await rows(dirty.engine, 'SELECT req FROM handle_qmp_command ORDER BY seq LIMIT 2')).toEqual([
        ['{"execute": "qmp_capabilities", "id": "src-1"}'],
        ['{"execute": "migrate-set-capabilities", "arguments": {"capabilities": [{"state": true, "capability": "events"}]}, "id": "src-2"}'],
      ]);
      // The TPM buffer really spans two lines: it joins, and its lines are counted.
      expect(await rows(dirty.engine, 'SELECT direction, len, buf FROM tpm_util_show_buffer')).toEqual([
        ['in', 22n, '80 01 00 00 00 16 00 00 01 44 00 00 00 00 00 00 \n00 00 00 00 00 00 '],
      ]);
      expect(t.continuationLines).toBe(2);
      expect(await continuationLines(dirty.engine)).toBe(2);
      expect(await continuationLines(clean.engine)).toBe(2);
      await expectNoGluedNewlines(dirty.engine, ['tpm_util_show_buffer.buf']);
      await expectNoGluedNewlines(clean.engine, ['tpm_util_show_buffer.buf']);
    } finally {
      clean.engine.close();
      dirty.engine.close();
    }
  });

  it('decodes the same in a parse worker and in segments cut all through the file', async () => {
    const file = write('modes72.log', polluted().lines);
    const modes: Record<string, string>[] = [
      { QTW_PARSE_WORKER: '0' },
      { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '1' },
      { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '3', QTW_PARSE_SEGMENT_BYTES: '700' },
    ];
    const seen: unknown[] = [];
    const segmentsBefore = segmentedStats.segments;
    for (const [i, env] of modes.entries()) {
      const { engine } = await ingest(`mode72-${i}`, file, DEBIAN_72, env);
      try {
        seen.push({
          unparsed: await rows(engine, 'SELECT seq, line_no, reason, raw FROM unparsed ORDER BY seq'),
          typed: await typedValues(engine),
          seqs: await rows(engine, 'SELECT seq FROM events ORDER BY seq'),
          continuations: await continuationLines(engine),
        });
        await expectNoGluedNewlines(engine, ['tpm_util_show_buffer.buf']);
      } finally {
        engine.close();
      }
    }
    // The file really was cut: a cut lands between a %s-final event and the lines after it.
    expect(segmentedStats.segments - segmentsBefore).toBeGreaterThan(5);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
  });

  it('the CLI summary line says how many continuation lines were joined', () => {
    const ws = path.join(tmp.dir, 'cli72.duckdb');
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin/qtw.mjs'), 'ingest', '-q', '-o', ws, '--catalogue', DEBIAN_72, write('cli72.log', polluted().lines)], {
      encoding: 'utf8',
      cwd: tmp.dir,
      env: { ...process.env, FORCE_COLOR: '0', QTW_PARSE_WORKER: '0' },
      timeout: 60_000,
    });
    expect(r.stderr).toMatch(/^trace 1: .*cli72\.log: log .*, 2 continuation lines joined to multi-line records$/m);
    expect(r.status).toBe(0);
  });
});

// ------------------------------------------------------------------------------------------------

describe('10.2 log pasted into a Markdown issue', () => {
  const head = realLines('qemu-10.2.50/a-precopy/src.log.gz', 41);

  it('keeps fences, prose, elisions and stamped error_report lines out of the values', async () => {
    expect(head[21]).toBe('2026-11-25T20:01:24.591689Z migrate_set_state new state setup');
    expect(head[40]).toBe('2026-11-25T20:01:24.592762Z migrate_set_state new state active');
    const lines: string[] = ['Source side, QEMU 10.2 with `-msg timestamp=on`:', '```'];
    const expected: { raw: string; reason: string }[] = [{ raw: lines[0], reason: 'not a trace record (foreign line)' }];
    const after = new Map<number, [string, string]>([
      [4, ['qemu-system-x86_64: warning: Machine type \'pc-i440fx-2.0\' is deprecated', 'error_report line']], // handle_qmp_command
      [8, ['[...]', 'elision mark']], // qmp_enter_migrate_set_capabilities
      [21, ['...', 'elision mark']], // migrate_set_state new state setup
    ]);
    head.forEach((l, i) => {
      lines.push(l);
      const f = after.get(i);
      if (f !== undefined) {
        lines.push(f[0]);
        expected.push({ raw: f[0], reason: glued(f[1]) });
      }
    });
    const err = '2026-11-25T20:01:24.600020Z qemu-system-x86_64: ram_save_setup failed: Input/output error';
    lines.push('2026-11-25T20:01:24.600010Z migrate_set_state new state cancelling', err, '2026-11-25T20:01:24.600030Z migrate_set_state new state cancelled', '```');
    expected.push({ raw: err, reason: glued('error_report line') });
    const fenceAfterRecord = lines.length;
    lines.push('', 'and then `info migrate` said:', '(qemu) info migrate');
    const { engine, summary } = await ingest('paste10', write('paste10.md', lines), CAT_10);
    try {
      const t = summary.traces[0];
      expect(t.format).toBe('log');
      expect(await rows(engine, 'SELECT new_state FROM migrate_set_state ORDER BY seq')).toEqual([['setup'], ['active'], ['cancelling'], ['cancelled']]);
      expect(await rows(engine, 'SELECT json FROM qmp_enter_migrate_set_capabilities')).toEqual([['{"capabilities": [{"state": true, "capability": "events"}]}']]);
      await expectNoGluedNewlines(engine);
      expect(t.continuationLines).toBe(0);

      // A fence is either removed as paste markup before decoding or kept in unparsed: never glued.
      const un = await rows(engine, 'SELECT line_no, reason, raw FROM unparsed ORDER BY seq');
      const fencesKept = un.some(([, , raw]) => raw === '```');
      const want: Row[] = [];
      const lineOf = (raw: string, from = 0) => BigInt(lines.indexOf(raw, from) + 1);
      for (const e of expected) want.push([lineOf(e.raw), e.reason, e.raw]);
      if (fencesKept) {
        want.splice(1, 0, [2n, 'not a trace record (foreign line)', '```']);
        want.push([BigInt(fenceAfterRecord), glued('Markdown fence'), '```'], [BigInt(fenceAfterRecord + 1), 'empty line', '']);
      } else {
        want.push([BigInt(fenceAfterRecord + 1), glued('blank line'), '']);
      }
      want.push([lineOf('and then `info migrate` said:'), 'not a trace record (foreign line)', 'and then `info migrate` said:']);
      want.push([BigInt(lines.length), 'not a trace record (foreign line)', '(qemu) info migrate']);
      expect(un).toEqual(want);
    } finally {
      engine.close();
    }
  });

  it('a command typed at the (qemu) prompt of a pasted HMP session never continues a record', async () => {
    // -monitor stdio with the trace on the same terminal: the prompt is printed before the next
    // trace line arrives, and the paste's `(qemu) ` prompts are removed before decoding.
    const lines = ['(qemu) migrate -d tcp:127.0.0.1:44450', `(qemu) ${head[21]}`, ...head.slice(22, 41), '(qemu) info migrate', 'Migration status: active'];
    const { engine, summary } = await ingest('hmp10', write('hmp10.log', lines), CAT_10);
    try {
      const t = summary.traces[0];
      expect(t.events).toBe(20);
      expect(await rows(engine, 'SELECT new_state FROM migrate_set_state ORDER BY seq')).toEqual([['setup'], ['active']]);
      await expectNoGluedNewlines(engine);
      const un = await rows(engine, 'SELECT line_no, reason, raw FROM unparsed ORDER BY seq');
      expect(un.map(([line, reason]) => [line, reason])).toEqual([
        [1n, 'not a trace record (foreign line)'],
        [BigInt(lines.length - 1), glued('HMP prompt')],
        [BigInt(lines.length), 'not a trace record (foreign line)'],
      ]);
      expect(String(un[1][2])).toMatch(/^(?:\(qemu\) )?info migrate$/);
    } finally {
      engine.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------

describe('a prefixed 7.2 log: lines without the prefix, prose, pasted markers', () => {
  const head = realLines('qemu-7.2.22-log/a-precopy/dst.log.gz', 30);

  it('an event name alone (a pasted -trace events= list) is no record of a prefixed log, even of an event that prints nothing', async () => {
    // The list the user ran with, then the trace: `loadvm_state_setup` and
    // `migration_socket_incoming_accepted` have empty formats; the trace has one of each.
    expect(head[24]).toBe('27494@1795635788.370332:loadvm_state_setup ');
    expect(cat72.get('loadvm_state_setup')?.format).toBe('');
    expect(cat72.get('migration_socket_incoming_accepted')?.format).toBe('');
    const list = ['migrate_set_state', 'migration_socket_incoming_accepted', 'loadvm_state_setup', 'loadvm_state_cleanup'];
    const lines = [...list, ...head];
    const modes: Record<string, string>[] = [
      { QTW_PARSE_WORKER: '0' },
      { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '3', QTW_PARSE_SEGMENT_BYTES: '600' },
    ];
    for (const [i, env] of modes.entries()) {
      const { engine, summary } = await ingest(`list72-${i}`, write(`list72-${i}.log`, lines), DEBIAN_72, env);
      try {
        expect(summary.traces[0].format).toBe('log');
        expect(await rows(engine, 'SELECT count(*) FROM events WHERE ts_ns IS NULL')).toEqual([[0n]]);
        expect(await rows(engine, 'SELECT count(*) FROM loadvm_state_setup')).toEqual([[1n]]);
        expect(await rows(engine, 'SELECT count(*) FROM migration_socket_incoming_accepted')).toEqual([[1n]]);
        const un = await unparsedRows(engine);
        expect(un.map(([line, , raw]) => [line, raw])).toEqual(list.map((l, k) => [BigInt(k + 1), l]));
        for (const [, reason] of un.slice(1)) expect(String(reason)).toMatch(/^event name `\w+` alone on a line, without the timestamp prefix of this log's records/);
        await expectNoGluedNewlines(engine);
      } finally {
        engine.close();
      }
    }
  });

  it('prose and `info migrate` output after a one-word %s value stay out of it; a TPM buffer still joins', async () => {
    const prose = 'This happened after I ran virsh migrate --live guest qemu+ssh://dst/system twice.';
    const status = 'Migration status: cancelled';
    const lines = [
      ...head.slice(0, 16),
      '27494@1795635791.300001:migrate_set_state new state cancelling',
      status,
      '27494@1795635791.300002:migrate_set_state new state cancelled',
      prose,
      '27501@1795635791.300003:tpm_util_show_buffer direction: in len: 22',
      '80 01 00 00 00 16 00 00 01 44 00 00 00 00 00 00 ',
      '00 00 00 00 00 00 ',
    ];
    const { engine, summary } = await ingest('prose72', write('prose72.log', lines), DEBIAN_72);
    try {
      expect(await rows(engine, 'SELECT new_state FROM migrate_set_state ORDER BY seq')).toEqual([['active'], ['cancelling'], ['cancelled']]);
      expect(await unparsedRows(engine)).toEqual([
        [18n, "line after the one-word value 'cancelling' of migrate_set_state.new_state (record 1 line above)", status],
        [20n, "line after the one-word value 'cancelled' of migrate_set_state.new_state (record 1 line above)", prose],
      ]);
      expect(summary.traces[0].continuationLines).toBe(2);
      await expectNoGluedNewlines(engine, ['tpm_util_show_buffer.buf']);
    } finally {
      engine.close();
    }
  });

  it('a quoted paste keeps the lines it could not type as the file has them, at their own line numbers', async () => {
    const lines = [
      'On Tue, Nov 25, 2026 at 20:23, Jane wrote:',
      ...head.slice(0, 16).map((l) => `> ${l}`),
      '> 27494@1795635788.369701:migrate_set_state new state cancelled',
      '> qemu-system-x86_64: load of migration failed: Input/output error',
      '> 27494@1795635788.369702:no_such_event x=1',
      '> 27494@1795635788.369703:migrate_set_state',
      '',
      'Does this ring a bell?',
    ];
    const { engine, summary } = await ingest('quoted72', write('quoted72.txt', lines), DEBIAN_72);
    try {
      expect(summary.traces[0].events).toBe(17);
      const un = await unparsedRows(engine);
      const want = (text: string) => [BigInt(lines.indexOf(text) + 1), text];
      expect(un.map(([line, , raw]) => [line, raw])).toEqual([lines[0], lines[18], lines[19], lines[20], lines[21], lines[22]].map(want));
      expect(String(un[1][1])).toBe(glued('error_report line'));
      expect(String(un[2][1])).toMatch(/^unknown event 'no_such_event'/);
      await expectNoGluedNewlines(engine);
    } finally {
      engine.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------

describe('a line joins a %s value only where QEMU breaks one (audit K)', () => {
  const modes: Record<string, string>[] = [
    { QTW_PARSE_WORKER: '0' },
    { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '2', QTW_PARSE_SEGMENT_BYTES: '300' },
  ];

  it('a %s inside the format takes no line once the record line matches: the fields after it stay those of the record line', async () => {
    // 10.2's savevm_section_start "%s, section_id %u" and qemu_loadvm_state_section_startfull
    // "%u(%s) %u %u": the lines after them end like the format, and must not be re-read as it.
    const cat10 = loadCatalogueFile(CAT_10);
    expect(cat10.get('savevm_section_start')?.format).toBe('%s, section_id %u');
    expect(cat10.get('qemu_loadvm_state_section_startfull')?.format).toBe('%u(%s) %u %u');
    const lines = [
      '27968@1795635788.370302:savevm_section_start ram, section_id 2',
      'block, section_id 3',
      '27968@1795635788.370304:qemu_loadvm_state_section_startfull 2(ram) 0 4',
      'see (block) 0 4',
      '27968@1795635788.370305:migrate_set_state new state active',
    ];
    const file = write('midformat.log', lines);
    for (const [i, env] of modes.entries()) {
      const { engine, summary } = await ingest(`midformat-${i}`, file, CAT_10, env);
      try {
        expect(await rows(engine, 'SELECT id, section_id FROM savevm_section_start')).toEqual([['ram', 2]]);
        expect(await rows(engine, 'SELECT section_id, idstr, instance_id, version_id FROM qemu_loadvm_state_section_startfull')).toEqual([[2, 'ram', 0, 4]]);
        expect(await unparsedRows(engine)).toEqual([
          [2n, 'line after the complete message of savevm_section_start (record 1 line above)', lines[1]],
          [4n, 'line after the complete message of qemu_loadvm_state_section_startfull (record 1 line above)', lines[3]],
        ]);
        expect(summary.traces[0].continuationLines).toBe(0);
        await expectNoGluedNewlines(engine);
      } finally {
        engine.close();
      }
    }
  });

  it('a %s inside the format still takes the lines that complete its message', async () => {
    // vmstate_load_field_error "field \"%s\" load failed, ret = %d": the record line alone does not match.
    const lines = ['4242@1795635776.000002:vmstate_load_field_error field "first', 'second" load failed, ret = -5', '4242@1795635776.000003:migrate_set_state new state failed'];
    const { engine, summary } = await ingest('midformat-join', write('midformat-join.log', lines), DEBIAN_72);
    try {
      expect(await rows(engine, 'SELECT field, ret FROM vmstate_load_field_error')).toEqual([['first\nsecond', -5]]);
      expect(await unparsedRows(engine)).toEqual([]);
      expect(summary.traces[0].continuationLines).toBe(1);
    } finally {
      engine.close();
    }
  });

  it('a record indented on its own line (spaces, a tab, with or without a prefix) is read as its own record', async () => {
    const variants: [string, string[], (bigint | null)[]][] = [
      [
        'tid',
        ['27968@1795635788.370302:savevm_section_start ram, section_id 2', '  27968@1795635788.370303:savevm_section_start block, section_id 3', '27968@1795635788.370304:migrate_set_state new state active'],
        [1795635788370302000n, 1795635788370303000n, 1795635788370304000n],
      ],
      [
        'iso',
        ['2025-11-25T19:23:05.253839Z savevm_section_start ram, section_id 2', '\t2025-11-25T19:23:05.253840Z savevm_section_start block, section_id 3', '2025-11-25T19:23:05.253841Z migrate_set_state new state active'],
        [1764098585253839000n, 1764098585253840000n, 1764098585253841000n],
      ],
      ['bare', ['savevm_section_start ram, section_id 2', ' savevm_section_start block, section_id 3', 'migrate_set_state new state active'], [null, null, null]],
    ];
    for (const [label, lines, ts] of variants) {
      const { engine, summary } = await ingest(`indented-${label}`, write(`indented-${label}.log`, lines), CAT_10);
      try {
        expect(await rows(engine, 'SELECT seq, ts_ns, id, section_id FROM savevm_section_start ORDER BY seq')).toEqual([
          [0n, ts[0], 'ram', 2],
          [1n, ts[1], 'block', 3],
        ]);
        expect(await rows(engine, 'SELECT seq, ts_ns, new_state FROM migrate_set_state')).toEqual([[2n, ts[2], 'active']]);
        expect(await unparsedRows(engine)).toEqual([]);
        expect(summary.traces[0].continuationLines).toBe(0);
      } finally {
        engine.close();
      }
    }
  });

  it('an indented record that cannot be typed keeps its line as the file has it', async () => {
    const lines = ['27968@1795635788.370302:migrate_set_state new state setup', '\t27968@1795635788.370303:savevm_section_start block, section_id x'];
    const { engine } = await ingest('indented-bad', write('indented-bad.log', lines), CAT_10);
    try {
      expect(await unparsedRows(engine)).toEqual([[2n, expect.stringMatching(/^message does not match the format of 'savevm_section_start' in catalogue /), lines[1]]]);
    } finally {
      engine.close();
    }
  });

  it('after a multi-word %s value nothing joins: prompts, QMP events, stacks, signatures, hexdumps with offsets, HMP output', async () => {
    const rec = (k: number) => `2025-11-25T19:23:05.${String(281000 + k).padStart(6, '0')}Z migrate_error error=Unable to write to socket`;
    const after = [
      '\tat tab-indented line',
      '{"timestamp": {"seconds": 1764098585, "microseconds": 282000}, "event": "MIGRATION", "data": {"status": "failed"}}',
      'virsh # migrate --live vm1 qemu+ssh://dst/system',
      '    Stack trace of thread 4242:',
      '#0  0x00007f1c2a4a0e2c __pthread_kill_implementation (libc.so.6 + 0x8ae2c)',
      'Broken pipe',
      '00000000  51 45 56 4d 00 00 00 03  |QEVM....|',
      '-- ',
      'Regards, Bob',
      '> quoted reply line',
      'info migrate',
      'total time: 1234 ms',
      '51 45 56 4d 00 00 00 03',
    ];
    const lines = after.flatMap((l, k) => [rec(k), l]);
    lines.push('2025-11-25T19:23:05.290000Z migrate_set_state new state failed');
    const file = write('multiword.log', lines);
    for (const [i, env] of modes.entries()) {
      const { engine, summary } = await ingest(`multiword-${i}`, file, CAT_10, env);
      try {
        expect(await rows(engine, 'SELECT seq, ts_ns, error_desc FROM migrate_error ORDER BY seq')).toEqual(
          after.map((_, k) => [BigInt(2 * k), 1764098585281000000n + BigInt(k) * 1000n, 'Unable to write to socket']),
        );
        expect(await unparsedRows(engine)).toEqual(
          after.map((l, k) => [BigInt(2 * k + 2), 'line after the value of migrate_error.error_desc (record 1 line above); QEMU does not print newlines in it', l]),
        );
        expect(summary.traces[0].continuationLines).toBe(0);
        await expectNoGluedNewlines(engine);
      } finally {
        engine.close();
      }
    }
  });

  it('QMP JSON wrapped by a mail client is not joined (QEMU prints it compact); a 7.2 TPM buffer still is, row by row', async () => {
    const lines = [
      '> 27501@1795635788.367489:handle_qmp_command mon 0x5593de774e10 req: {"execute":',
      '> "migrate", "arguments": {"uri": "tcp:127.0.0.1:44440"}, "id": "src-6"}',
      '> 27495@1795635788.367519:qmp_enter_migrate {"uri":',
      '> "tcp:127.0.0.1:44440"}',
      '> 27501@1795635791.300003:tpm_util_show_buffer direction: in len: 22',
      '> 80 01 00 00 00 16 00 00 01 44 00 00 00 00 00 00 ',
      '> 00 00 00 00 00 00 ',
      '> Connection reset by peer',
      '> 27495@1795635791.300004:migrate_set_state new state failed',
    ];
    const { engine, summary } = await ingest('wrapped72', write('wrapped72.txt', lines), DEBIAN_72);
    try {
      expect(await rows(engine, 'SELECT req FROM handle_qmp_command')).toEqual([['{"execute":']]);
      expect(await rows(engine, 'SELECT json FROM qmp_enter_migrate')).toEqual([['{"uri":']]);
      expect(await rows(engine, 'SELECT direction, len, buf FROM tpm_util_show_buffer')).toEqual([['in', 22n, '80 01 00 00 00 16 00 00 01 44 00 00 00 00 00 00 \n00 00 00 00 00 00 ']]);
      expect(await rows(engine, 'SELECT new_state FROM migrate_set_state')).toEqual([['failed']]);
      expect(await unparsedRows(engine)).toEqual([
        [2n, 'line after the value of handle_qmp_command.req (record 1 line above); QEMU does not print newlines in it', lines[1]],
        [4n, 'line after the value of qmp_enter_migrate.json (record 1 line above); QEMU does not print newlines in it', lines[3]],
        [8n, 'line after the hex bytes of tpm_util_show_buffer.buf (record 3 lines above) that is no row of hex bytes', lines[7]],
      ]);
      expect(summary.traces[0].continuationLines).toBe(2);
      await expectNoGluedNewlines(engine, ['tpm_util_show_buffer.buf']);
    } finally {
      engine.close();
    }
  });

  it('records quoted at several depths in one mail are all read, at their own line numbers', async () => {
    const lines = [
      'Dr. David Alan Gilbert wrote:',
      '> * Juan wrote:',
      '> > Destination:',
      '> > 30001@1795635788.368000:migrate_set_state new state active',
      '>> 30001@1795635788.371000:qemu_loadvm_state_section_startfull 2(ram) 0 4',
      '>',
      '> And the source:',
      '> 27968@1795635788.370275:migrate_set_state new state active',
      '> 27968@1795635788.370302:savevm_section_start ram, section_id 2',
      '>    27968@1795635788.370303:savevm_section_start block, section_id 3',
      '> \t27968@1795635788.370304:savevm_section_start vfio, section_id 4',
      '',
      'Looks fine to me.',
    ];
    const { engine, summary } = await ingest('depths', write('depths.txt', lines), CAT_10);
    try {
      expect(await rows(engine, 'SELECT seq, tid, new_state FROM migrate_set_state ORDER BY seq')).toEqual([
        [3n, 30001, 'active'],
        [7n, 27968, 'active'],
      ]);
      expect(await rows(engine, 'SELECT seq, section_id, idstr, instance_id, version_id FROM qemu_loadvm_state_section_startfull')).toEqual([[4n, 2, 'ram', 0, 4]]);
      expect(await rows(engine, 'SELECT seq, id, section_id FROM savevm_section_start ORDER BY seq')).toEqual([
        [8n, 'ram', 2],
        [9n, 'block', 3],
        [10n, 'vfio', 4],
      ]);
      expect((await unparsedRows(engine)).map(([line, , raw]) => [line, raw])).toEqual([1, 2, 3, 6, 7, 12, 13].map((n) => [BigInt(n), lines[n - 1]]));
      expect(summary.traces[0].continuationLines).toBe(0);
    } finally {
      engine.close();
    }
  });
});
