// The clock-alignment line: the destination's offset onto the source clock, its uncertainty and
// evidence, and an override (setClockOffset) for when the user knows better.
import type { EngineClient } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { describeAlignment } from './alignment-text.ts';
import { clockAlignment, parseOffsetInput, setClockOffset, type ClockAlignmentRow } from './engine-extras.ts';

export interface AlignmentLine {
  readonly root: HTMLElement;
  /** `traceIds`: show only the alignments of these traces (the run shown); null: every one. */
  refresh(traceIds?: ReadonlySet<number> | null): Promise<void>;
}

export function createAlignmentLine(client: EngineClient, onChanged: () => void): AlignmentLine {
  const root = h('div', { class: 'mg-align', 'data-testid': 'clock-alignment' });

  function row(a: ClockAlignmentRow): HTMLElement {
    const input = h('input', { class: 'mg-offset-input', placeholder: 'e.g. -3.7 s, 120 µs', 'aria-label': `offset for trace ${a.dstTraceId}`, 'data-testid': 'clock-offset-input' });
    const set = h('button', { class: 'btn small', title: 'Use this offset instead of the estimate' }, 'Set');
    const reset = h('button', { class: 'btn small', hidden: !a.overridden, title: 'Back to the estimate' }, 'Use estimate');
    const msg = h('span', { class: 'mg-align-msg' });
    const apply = async (value: string | null) => {
      try {
        await setClockOffset(client, a.dstTraceId, value);
        onChanged();
      } catch (e) {
        msg.textContent = errorMessage(e);
        msg.className = 'mg-align-msg err';
      }
    };
    set.addEventListener('click', () => {
      const ns = parseOffsetInput(input.value);
      if (ns === null) {
        msg.textContent = 'not a duration (try "-3.7 s", "250 ms", "1200 ns")';
        msg.className = 'mg-align-msg err';
        return;
      }
      void apply(ns);
    });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') set.click();
    });
    reset.addEventListener('click', () => void apply(null));
    return h('div', { class: 'mg-align-row', 'data-dst-trace': a.dstTraceId },
      h('span', { class: 'mg-align-text', 'data-offset-ns': a.offsetNs ?? '', 'data-uncertainty-ns': a.uncertaintyNs ?? '' }, describeAlignment(a)),
      input, set, reset, msg);
  }

  return {
    root,
    async refresh(traceIds = null) {
      let rows: ClockAlignmentRow[] | null;
      try {
        rows = await clockAlignment(client);
        if (rows && traceIds) rows = rows.filter((r) => traceIds.has(r.dstTraceId) || (r.srcTraceId !== null && traceIds.has(r.srcTraceId)));
      } catch (e) {
        clear(root);
        root.append(h('span', { class: 'mg-align-label' }, 'Clock alignment'), h('span', { class: 'err' }, errorMessage(e)));
        return;
      }
      clear(root);
      root.append(h('span', { class: 'mg-align-label' }, 'Clock alignment'));
      if (rows === null) root.append(h('span', { class: 'muted' }, 'not available from this engine: destination times are shown as traced.'));
      else if (rows.length === 0) root.append(h('span', { class: 'muted' }, traceIds ? 'this run has no destination trace to align.' : 'no source/destination trace pair to align.'));
      else for (const a of rows) root.append(row(a));
    },
  };
}
