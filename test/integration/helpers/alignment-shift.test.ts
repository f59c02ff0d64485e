// The test helpers that fake a skewed destination clock must move every timestamp, in every
// prefix form, by exactly the delta and touch nothing else.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { SAMPLES } from '../../helpers/paths.ts';
import { readMaybeGz, shiftLogText, shiftSimpletrace } from '../../helpers/alignment-shift.ts';

const Q10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const D = 3_700_000_000n;

describe('shiftLogText', () => {
  it('moves ID@SEC.USEC and ISO-8601 prefixes (with and without fraction), leaves prefix-less lines alone', () => {
    const text = [
      '4242@1795635788.999999:savevm_section_start ram, section_id 2',
      '2026-11-25T23:59:58.300001Z migrate_set_state new state active',
      '2026-11-25T23:59:56Z runstate_set current_run_state 9 (running) new_state 7 (postmigrate)',
      'multifd_send_sync_main 3',
      '',
    ].join('\n');
    const r = shiftLogText(text, D);
    expect(r.shifted).toBe(3);
    expect(r.text.split('\n')).toEqual([
      '4242@1795635792.699999:savevm_section_start ram, section_id 2',
      '2026-11-26T00:00:02.000001Z migrate_set_state new state active',
      '2026-11-25T23:59:59.700000Z runstate_set current_run_state 9 (running) new_state 7 (postmigrate)',
      'multifd_send_sync_main 3',
      '',
    ]);
  });

  it('round-trips the real 7.2 and 10.2 logs byte for byte and shifts every prefixed line', () => {
    for (const f of [path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/dst.log.gz'), path.join(Q10, 'dst.log.gz')]) {
      const original = readMaybeGz(f).toString('latin1');
      const there = shiftLogText(original, D);
      const back = shiftLogText(there.text, -D);
      expect(back.text === original, f).toBe(true);
      expect(there.shifted).toBe(original.split('\n').filter((l) => l.length > 0).length);
    }
  });
});

describe('shiftSimpletrace', () => {
  it('shifts exactly the records simpletrace.py decodes, and only their timestamps', () => {
    const buf = readMaybeGz(path.join(Q10, 'dst.simple.gz'));
    const py = gunzipSync(readFileSync(path.join(Q10, 'simpletrace-py-output-dst.txt.gz'))).toString('utf8').split('\n').filter((l) => l);
    const r = shiftSimpletrace(buf, D);
    expect(r.shifted).toBe(py.length);
    let changed = 0;
    for (let i = 0; i < buf.length; i++) if (buf[i] !== r.buf[i]) changed++;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(r.shifted * 8);
    expect(shiftSimpletrace(r.buf, -D).buf.equals(buf)).toBe(true);
  });
});
