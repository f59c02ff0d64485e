// The traces in the workspace: side, format, catalogue, time span, record counts. Unparsed and
// dropped counts are links to the rows behind them, since "why did N lines not parse" is the
// first question after an import; the catalogue line offers to type the trace again with another.
import type { TraceInfo } from '../../src-main/contract.ts';
import { clear, h } from '../util/dom.ts';
import { formatBytes, formatCount, formatDurationNs, formatTimestampNs, parseNs } from '../util/time-format.ts';
import { traceName, traceTitle } from '../util/trace-name.ts';

export interface TracesPanel {
  update(traces: readonly TraceInfo[]): void;
}

export function unparsedQuery(traceId: number): string {
  return `SELECT * FROM unparsed WHERE trace_id = ${traceId} ORDER BY seq LIMIT 1000`;
}

export function droppedQuery(traceId: number): string {
  return `SELECT * FROM dropped WHERE trace_id = ${traceId} ORDER BY ts_ns`;
}

export function createTracesPanel(
  host: HTMLElement,
  hooks: {
    openQuery(sql: string, run: boolean): void;
    openFiles(): void;
    openFolder(): void;
    /** Resolves when the engine removed it (the list then refreshes on tracesChanged); rejects with why not. */
    removeTrace(traceId: number): Promise<void>;
    /** The trace's catalogue and a picker to re-type it with another (catalogue-picker.ts). */
    catalogueLine(t: TraceInfo): HTMLElement;
  },
): TracesPanel {
  const list = h('div', { class: 'traces-list' });
  host.append(list);

  function emptyState(): HTMLElement {
    const files = h('button', { class: 'btn primary' }, 'Open files…');
    const folder = h('button', { class: 'btn' }, 'Open folder…');
    files.addEventListener('click', hooks.openFiles);
    folder.addEventListener('click', hooks.openFolder);
    return h(
      'div',
      { class: 'empty-state' },
      h('h3', {}, 'No traces yet'),
      h('p', {}, 'Open the source and destination trace files of a migration — QEMU log backend text, simpletrace binaries, or a .tar.gz / .zip / .gz of them. Dropping files anywhere on this window works too.'),
      h('div', { class: 'empty-actions' }, files, folder),
      h('p', { class: 'hint' }, 'From a shell: ', h('code', {}, 'qtw serve src.log dst.log')),
    );
  }

  function card(t: TraceInfo): HTMLElement {
    const name = traceName(t);
    const first = parseNs(t.firstTsNs);
    const last = parseNs(t.lastTsNs);
    const span =
      first !== null && last !== null
        ? h(
            'div',
            { class: 'trace-span', title: `first ${formatTimestampNs(first, t.clock)}\nlast  ${formatTimestampNs(last, t.clock)}` },
            `${formatTimestampNs(first, t.clock).replace(/ UTC$/, '')} · ${formatDurationNs(last - first)}`,
          )
        : h('div', { class: 'trace-span muted' }, 'no timestamps');
    const unparsed = h('a', { href: '#', class: t.unparsed > 0 ? 'warn' : 'muted', title: 'Show the records that could not be typed' }, `${formatCount(t.unparsed)} unparsed`);
    unparsed.addEventListener('click', (ev) => {
      ev.preventDefault();
      hooks.openQuery(unparsedQuery(t.traceId), true);
    });
    const dropped = h('a', { href: '#', class: t.dropped > 0 ? 'warn' : 'muted', title: 'simpletrace dropped-event records' }, `${formatCount(t.dropped)} dropped`);
    dropped.addEventListener('click', (ev) => {
      ev.preventDefault();
      hooks.openQuery(droppedQuery(t.traceId), true);
    });
    const side = h('span', { class: `side side-${t.side ?? 'none'}`, title: 'side (detected from content)' }, t.side ?? '—');
    const remove = h('button', { class: 'trace-remove', title: 'Remove this trace from the workspace…', 'data-testid': 'remove-trace', 'aria-label': `Remove trace #${t.traceId}` }, '×');
    const confirmRow = h('div', { class: 'trace-confirm', 'data-testid': 'remove-trace-confirm', hidden: '' });
    // Removal cannot be undone: ask on the card itself, naming what goes.
    remove.addEventListener('click', () => {
      clear(confirmRow);
      const yes = h('button', { class: 'btn danger', 'data-testid': 'remove-trace-yes' }, 'Remove');
      const no = h('button', { class: 'btn' }, 'Keep');
      const status = h('span', { class: 'trace-confirm-status' });
      confirmRow.append(h('span', {}, `Remove trace #${t.traceId} (${name}) and its ${formatCount(t.records)} records from the workspace? This cannot be undone.`), h('div', { class: 'empty-actions' }, yes, no), status);
      confirmRow.hidden = false;
      no.addEventListener('click', () => {
        confirmRow.hidden = true;
      });
      yes.addEventListener('click', () => {
        yes.disabled = no.disabled = true;
        status.textContent = 'removing…';
        hooks.removeTrace(t.traceId).catch((e: unknown) => {
          yes.disabled = no.disabled = false;
          status.textContent = e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
          status.classList.add('trace-error');
        });
      });
    });
    return h(
      'div',
      { class: 'trace-card', 'data-trace-id': t.traceId, title: traceTitle(t) },
      h('div', { class: 'trace-head' }, side, h('span', { class: 'trace-name' }, name), h('span', { class: 'trace-id' }, `#${t.traceId}`), remove),
      confirmRow,
      h(
        'div',
        { class: 'trace-meta' },
        h('span', { class: 'chip' }, t.format + (t.prefixStyle ? ` · ${t.prefixStyle}` : '')),
        h('span', { class: 'chip', title: 'what ts_ns means for this trace' }, t.clock),
        t.pasteNormalized ? h('span', { class: 'chip', title: `removed from every line before reading: ${t.pasteNormalized}`, 'data-testid': 'trace-pasted' }, 'pasted') : null,
      ),
      hooks.catalogueLine(t),
      span,
      h(
        'div',
        { class: 'trace-counts' },
        h('span', {}, `${formatCount(t.records)} records`),
        h('span', { class: 'muted' }, formatBytes(Number(t.bytes))),
        unparsed,
        // Only simpletrace records drops; "0 dropped" on a text log would be noise.
        t.dropped > 0 || /simple/i.test(t.format) ? dropped : null,
      ),
      t.catalogueMisfits > 0 ? h('div', { class: 'trace-warn' }, `${formatCount(t.catalogueMisfits)} records do not fit the catalogue (version skew?)`) : null,
      t.error ? h('div', { class: 'trace-error' }, t.error) : null,
    );
  }

  return {
    update(traces) {
      clear(list);
      if (traces.length === 0) {
        list.append(emptyState());
        return;
      }
      for (const t of traces) list.append(card(t));
    },
  };
}
