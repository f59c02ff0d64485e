// The trace's pid is counted while decoding (no scan of its tables after): runs of one pid,
// both record paths, null and 0 left out, the most frequent pid winning and the lowest on a tie.
import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../../../src-main/catalogue/index.ts';
import { mainPid } from '../../../src-main/ingest/ingest.ts';
import { RecordBatcher } from '../../../src-main/ingest/pipeline/record-batcher.ts';

const cat = buildCatalogue({ name: 't', source: 't', file: 't.trace-events', text: 'ev(int x) "x %d"\n' });
const ev = cat.get('ev')!;

describe('pid counts', () => {
  it('counts event records per pid over interleaved runs and both record paths', () => {
    const b = new RecordBatcher(() => {});
    const rows = b.eventRows(ev)!;
    const pids = [7, 7, 7, null, 0, 9, 9, 7, 9, 9, 9, 0, 7];
    let seq = 0;
    for (const pid of pids) {
      if (seq % 2 === 0) {
        rows.setSmall(0, seq);
        rows.commit(seq, seq, 0, 1, pid);
      } else b.event({ seq, offset: 0, line: null, tsNs: BigInt(seq), tid: 1, pid, event: ev, args: [seq] });
      seq++;
    }
    // An unparsed record is not an event: its pid does not count.
    b.unparsed({ seq, offset: 0, line: null, tsNs: null, tid: null, pid: 5, name: null, reason: 'x', raw: '' });
    expect(new Map(b.pidCounts())).toEqual(new Map([[7, 5], [9, 5]]));
    expect(mainPid(b.pidCounts())).toBe(7);
  });

  it('picks the most frequent pid, the lowest on a tie, and null when there is none', () => {
    expect(mainPid([])).toBeNull();
    expect(mainPid([[30, 2], [10, 5], [20, 5]])).toBe(10);
    expect(mainPid([[20, 5], [10, 4]])).toBe(20);
  });
});
