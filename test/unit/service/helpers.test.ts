// Small pure pieces of the service: subsystem names, glob → LIKE, timeline lane budgets.
import { describe, expect, it } from 'vitest';
import { subsystemOf } from '../../../src-main/service/catalogue-tree.ts';
import { globToLike } from '../../../src-main/service/glob.ts';
import { laneQuotas } from '../../../src-main/service/timeline.ts';

describe('subsystemOf', () => {
  it('uses the source directory, else the file stem, else the first word of the name', () => {
    expect(subsystemOf('ram_save_page', 'migration/ram.c')).toBe('migration');
    expect(subsystemOf('virtio_queue_notify', 'hw/virtio/virtio.c')).toBe('hw/virtio');
    expect(subsystemOf('qemu_loadvm_state_section', 'savevm.c')).toBe('savevm');
    expect(subsystemOf('multifd_send', null)).toBe('multifd');
    expect(subsystemOf('runstate', null)).toBe('runstate');
  });
  it('ignores relative and glob parts of source hints (as found in QEMU 7.2 trace-events-all)', () => {
    expect(subsystemOf('bdrv_open_common', '../block.c')).toBe('block');
    expect(subsystemOf('xen_domid_restrict', '../../include/hw/xen/xen_common.h')).toBe('include/hw/xen');
    expect(subsystemOf('user_setup_frame', '*/signal.c')).toBe('signal');
    expect(subsystemOf('x_y', '..')).toBe('x');
  });
});

describe('globToLike', () => {
  it('maps * and ? and keeps LIKE metacharacters literal', () => {
    expect(globToLike('multifd_*')).toBe('multifd\\_%');
    expect(globToLike('ram_save_?age')).toBe('ram\\_save\\__age');
    expect(globToLike('100%')).toBe('100\\%');
  });
});

describe('laneQuotas', () => {
  it('lets sparse lanes keep everything and splits the rest among dense lanes', () => {
    expect(laneQuotas([3, 1_000_000, 10, 500_000], 1000)).toEqual([3, 494, 10, 493]);
  });
  it('never exceeds the budget and never gives a lane more than it has', () => {
    for (const [counts, budget] of [
      [[5, 5, 5], 2],
      [[1, 2, 3, 4, 1000], 7],
      [[0, 0, 1], 10],
      [[100, 200, 300], 0],
    ] as const) {
      const q = laneQuotas(counts, budget);
      expect(q.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget);
      q.forEach((v, i) => expect(v).toBeLessThanOrEqual(counts[i]));
    }
  });
});
