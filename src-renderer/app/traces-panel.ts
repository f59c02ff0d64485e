// The traces in the workspace, grouped by run (one migration each): side, format, catalogue, time
// span, record counts. Unparsed and dropped counts are links to the rows behind them, since "why
// did N lines not parse" is the first question after an import; the catalogue line offers to type
// the trace again with another. A run's header names it (renamable) and how its sides were paired;
// an alternate trace (the same QEMU traced by another backend) says it is not analysed and offers
// to analyse it instead.
import type { RunInfo, TraceInfo } from '../../src-main/contract.ts';
import { clear, h } from '../util/dom.ts';
import { formatBytes, formatCount, formatDurationNs, formatTimestampNs, parseNs } from '../util/time-format.ts';
import { traceName, traceTitle } from '../util/trace-name.ts';

export interface TracesPanel {
  update(traces: readonly TraceInfo[], runs?: readonly RunInfo[]): void;
}

const PAIRED: Readonly<Record<string, string>> = {
  layout: 'sides from one folder',
  stem: 'sides paired by file names',
  content: 'sides paired by migration time (heuristic)',
  given: 'sides given together (one command or upload)',
  single: 'one side only',
};

/** The header line of a run group: what a user tells runs apart by. */
export function runHeading(r: RunInfo): string {
  return [`Run ${r.runId}`, r.label, r.qemuVersion ? `QEMU ${r.qemuVersion}` : null].filter((x) => x !== null).join(' · ');
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
    /** Rename a run; rejects with why not (the list refreshes on tracesChanged). */
    renameRun?(runId: number, label: string): Promise<void>;
    /** Analyse this alternate trace instead of the one it duplicates. */
    analyseTrace?(traceId: number): Promise<void>;
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
          status.textContent = errorText(e);
          status.classList.add('trace-error');
        });
      });
    });
    let alternate: HTMLElement | null = null;
    if (t.alternateOf !== null) {
      const use = h('button', { class: 'btn', 'data-testid': 'analyse-trace', title: 'Analyses (Migration, Compare, Fleet) use this trace instead; the other side follows to its trace of the same format' }, 'Analyse this one');
      const why = h('span', { class: 'trace-confirm-status' });
      use.addEventListener('click', () => {
        use.disabled = true;
        hooks.analyseTrace?.(t.traceId).catch((e: unknown) => {
          use.disabled = false;
          why.textContent = errorText(e);
          why.classList.add('trace-error');
        });
      });
      alternate = h(
        'div',
        { class: 'trace-warn', 'data-testid': 'trace-alternate' },
        `Same migration as #${t.alternateOf} (another backend): not analysed. `,
        hooks.analyseTrace ? use : null,
        why,
      );
    }
    return h(
      'div',
      { class: `trace-card${t.alternateOf !== null ? ' trace-alternate' : ''}`, 'data-trace-id': t.traceId, title: traceTitle(t) },
      h('div', { class: 'trace-head' }, side, h('span', { class: 'trace-name' }, name), h('span', { class: 'trace-id' }, `#${t.traceId}`), remove),
      confirmRow,
      alternate,
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

  function runHeader(r: RunInfo): HTMLElement {
    // The narrow panel cuts long labels with an ellipsis: the whole heading is on hover.
    const title = h('span', { class: 'run-title', 'data-testid': 'run-title', title: runHeading(r) }, runHeading(r));
    const rename = h('button', { class: 'trace-remove', title: 'Rename this run', 'data-testid': 'rename-run', 'aria-label': `Rename run ${r.runId}` }, '✎');
    const head = h('div', { class: 'run-head', 'data-run-id': r.runId }, title, hooks.renameRun ? rename : null);
    const status = h('span', { class: 'trace-confirm-status' });
    rename.addEventListener('click', () => {
      const input = h('input', { class: 'run-label-input', 'data-testid': 'run-label-input', value: r.label, maxlength: '200', 'aria-label': 'Run label' }) as HTMLInputElement;
      const save = () => {
        const label = input.value.trim();
        if (!label || label === r.label) {
          head.replaceChildren(title, rename);
          return;
        }
        input.disabled = true;
        hooks.renameRun?.(r.runId, label).catch((e: unknown) => {
          input.disabled = false;
          status.textContent = errorText(e);
          status.classList.add('trace-error');
        });
      };
      input.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') save();
        if (ev.key === 'Escape') head.replaceChildren(title, rename);
      });
      head.replaceChildren(input, status);
      input.focus();
      input.select();
    });
    return h('div', { class: 'run-group-head' }, head, h('div', { class: 'run-paired muted' }, PAIRED[r.pairedBy] ?? r.pairedBy));
  }

  return {
    update(traces, runs = []) {
      clear(list);
      if (traces.length === 0) {
        list.append(emptyState());
        return;
      }
      const byRun = new Map<number, TraceInfo[]>();
      const loose: TraceInfo[] = [];
      for (const t of traces) {
        if (t.runId !== null && runs.some((r) => r.runId === t.runId)) byRun.set(t.runId, [...(byRun.get(t.runId) ?? []), t]);
        else loose.push(t);
      }
      for (const r of runs) {
        const members = byRun.get(r.runId);
        if (!members) continue;
        // The analysed source and destination first, each alternate after them.
        const order = (t: TraceInfo) => (t.alternateOf === null ? 0 : 1) * 10 + (t.side === 'src' ? 0 : t.side === 'dst' ? 1 : 2);
        const group = h('div', { class: 'run-group', 'data-testid': 'run-group', 'data-run-id': r.runId }, runHeader(r));
        for (const t of [...members].sort((a, b) => order(a) - order(b) || a.traceId - b.traceId)) group.append(card(t));
        list.append(group);
      }
      for (const t of loose) list.append(card(t));
    },
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
}
