// Pasted traces (issue 13, item 4): real 7.2 log lines quoted in a mail, indented, fenced, after
// an HMP prompt, with CRLF. Each must type exactly the values the unquoted original types, keep
// the line numbers of the file as pasted in `unparsed`, and say on its trace row what was removed,
// in the thread and in parse workers (one, and several decoding segments).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ingestOne } from '../../../helpers/ingest-one.ts';
import { segmentedStats } from '../../../../src-main/ingest/pipeline/parse-segmented.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../../helpers/paths.ts';

const tmp = scratch('qtw-paste-');
afterAll(tmp.cleanup);

const REAL = gunzipSync(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz')))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.length > 0);
const HEAD = REAL.slice(0, 400);

type Snapshot = { trace: unknown[]; tables: Record<string, unknown[][]>; unparsed: unknown[][] };

async function ingestText(label: string, text: string, env: Record<string, string> = { QTW_PARSE_WORKER: '0' }): Promise<Snapshot> {
  const file = path.join(tmp.dir, `${label}.log`);
  writeFileSync(file, text);
  return ingestOne(path.join(tmp.dir, `${label}.duckdb`), file, [DEBIAN_72], env, async (rows) => {
    const [trace] = await rows(`SELECT format, prefix_style, events, unparsed, paste_normalized FROM traces`);
    const tables: Record<string, unknown[][]> = {};
    // seq is left out: foreign lines of a mail take record numbers of their own.
    for (const [name] of await rows(`SELECT DISTINCT name FROM events ORDER BY 1`)) {
      tables[String(name)] = await rows(`SELECT * EXCLUDE (seq) FROM "${name}" ORDER BY seq`);
    }
    const unparsed = await rows(`SELECT line_no, reason, raw FROM unparsed ORDER BY seq`);
    return { trace, tables, unparsed };
  });
}

const lines = (ls: readonly string[], eol = '\n') => ls.join(eol) + eol;

describe('pasted traces type like the original', () => {
  let original: Snapshot;
  beforeAll(async () => {
    original = await ingestText('original', lines(HEAD));
    expect(original.trace).toEqual(['log', 'tid@sec.usec', BigInt(HEAD.length), 0n, null]);
  });

  const variants: [string, string, string][] = [
    ['quote-1', lines(HEAD.map((l) => `> ${l}`)), 'quote ">" depth 1'],
    ['quote-1-tight', lines(HEAD.map((l) => `>${l}`)), 'quote ">" depth 1'],
    ['quote-2', lines(HEAD.map((l) => `>> ${l}`)), 'quote ">" depth 2'],
    ['quote-2-tight', lines(HEAD.map((l) => `>>${l}`)), 'quote ">" depth 2'],
    ['quote-2-spaced', lines(HEAD.map((l) => `> > ${l}`)), 'quote ">" depth 2'],
    ['quote-3', lines(HEAD.map((l) => `>>> ${l}`)), 'quote ">" depth 3'],
    ['quote-3-spaced', lines(HEAD.map((l) => `> > > ${l}`)), 'quote ">" depth 3'],
    ['indent-4', lines(HEAD.map((l) => `    ${l}`)), 'indent 4'],
    ['indent-tab', lines(HEAD.map((l) => `\t${l}`)), 'indent tab'],
    ['fenced', lines(['```text', ...HEAD, '```']), 'fences'],
    ['hmp', lines(HEAD.map((l, i) => (i % 3 === 0 ? `(qemu) ${l}` : l))), 'hmp prompt'],
    ['crlf', lines(HEAD, '\r\n'), 'crlf'],
    ['quoted-fenced-indented-crlf', lines(['> ```', ...HEAD.map((l) => `>     ${l}`), '> ```'], '\r\n'), 'quote ">" depth 1; indent 4; fences; crlf'],
  ];
  for (const [label, text, removed] of variants) {
    it(`${label}: same typed values, nothing unparsed, "${removed}" recorded`, async () => {
      const s = await ingestText(label, text);
      expect(s.trace).toEqual(['log', 'tid@sec.usec', BigInt(HEAD.length), 0n, removed]);
      expect(s.unparsed).toEqual([]);
      expect(s.tables).toEqual(original.tables);
    });
  }

  it('a mail: the quoted trace types, reply lines stay foreign at their own line numbers', async () => {
    // After an event without string arguments, so the reply line cannot continue a value.
    const cut = HEAD.findIndex((l, i) => i > 10 && l.includes(':monitor_protocol_event_emit '));
    expect(cut).toBeGreaterThan(10);
    const mail = [
      'On Tue, 25 Nov 2026 at 20:23, Someone <someone@example.org> wrote:',
      '> Here is the trace of the source:',
      '>',
      ...HEAD.slice(0, cut + 1).map((l) => `>> ${l}`),
      'I think the problem starts here.',
      ...HEAD.slice(cut + 1).map((l) => `>> ${l}`),
      '> -- ',
      'Thanks',
    ];
    // The last record's format has its %s in the middle: the signature after it cannot extend it.
    expect(HEAD[HEAD.length - 1]).toMatch(/^\d+@\d+\.\d{6}:ram_save_page /);
    const s = await ingestText('mail', lines(mail));
    expect(s.trace).toEqual(['log', 'tid@sec.usec', BigInt(HEAD.length), 6n, 'quote ">" depth 2']);
    expect(s.tables).toEqual(original.tables);
    const foreign = 'not a trace record (foreign line)';
    expect(s.unparsed).toEqual([
      [1n, foreign, mail[0]],
      [2n, foreign, '> Here is the trace of the source:'],
      // Quote markers go at every depth: the line is empty once they are removed.
      [3n, 'empty line', '>'],
      [BigInt(cut + 5), foreign, 'I think the problem starts here.'],
      [BigInt(mail.length - 1), 'line after the complete message of ram_save_page (record 1 line above)', '> -- '],
      [BigInt(mail.length), foreign, 'Thanks'],
    ]);
  });

  it('parse workers, one and several decoding segments, read a quoted mail as the thread does', async () => {
    const body = REAL.slice(0, 3000);
    const mail = ['Hi,', ...body.slice(0, 1500).map((l) => `> > ${l}`), 'unquoted reply', ...body.slice(1500).map((l) => `> > ${l}`), 'Bye'];
    const text = lines(mail);
    const thread = await ingestText('mail-thread', text);
    expect(thread.trace).toEqual(['log', 'tid@sec.usec', 3000n, 3n, 'quote ">" depth 2']);
    expect(thread.unparsed.map((u) => u[0])).toEqual([1n, 1502n, BigInt(mail.length)]);
    const one = await ingestText('mail-one', text, { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '1' });
    expect(one).toEqual(thread);
    const before = segmentedStats.segments;
    const several = await ingestText('mail-several', text, { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '3', QTW_PARSE_SEGMENT_BYTES: '20000' });
    expect(segmentedStats.segments - before).toBeGreaterThan(5);
    expect(several).toEqual(thread);
  });
});
