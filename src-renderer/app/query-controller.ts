// Running queries: one at a time per window, a live "Running… 1.2 s" status, cancel, error
// markers at DuckDB's reported position, history, and handing results to the results area.
import type { EngineClient, SchemaInfo } from '../../src-main/contract.ts';
import type { EditorPanel, RunTarget } from '../editor/editor-panel.ts';
import { referencedTables } from '../editor/sql-scan.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { pointerColumnNames } from '../results/cell-format.ts';
import type { ResultsArea } from '../results/results-area.ts';
import { EngineCallError, failureCodeOf } from '../api/rpc-client.ts';
import { errorMessage } from '../util/dom.ts';
import { formatCount, formatElapsedMs } from '../util/time-format.ts';

export interface QueryController {
  runCurrent(): void;
  runSql(target: RunTarget): Promise<void>;
  cancel(): void;
  readonly running: boolean;
}

export function createQueryController(
  client: EngineClient,
  editor: EditorPanel,
  results: ResultsArea,
  history: HistoryStore,
  schema: () => SchemaInfo | null,
): QueryController {
  let running = false;
  let cancelRequested = false;
  let timer = 0;

  function setStatus(text: string, kind: 'ok' | 'running' | 'error' | 'idle'): void {
    editor.status.textContent = text;
    editor.status.dataset.kind = kind;
    editor.status.title = text;
  }

  async function runSql(target: RunTarget): Promise<void> {
    if (running) return;
    running = true;
    cancelRequested = false;
    editor.clearMarkers();
    editor.runButton.disabled = true;
    editor.cancelButton.disabled = false;
    const t0 = performance.now();
    const tick = () => setStatus(`Running… ${((performance.now() - t0) / 1000).toFixed(1)} s`, 'running');
    tick();
    timer = window.setInterval(tick, 100);
    try {
      const result = await client.call('runQuery', { sql: target.sql });
      const n = result.rowCount;
      history.add(target.sql, { rows: n, elapsedMs: result.elapsedMs });
      const tables = referencedTables(target.sql).map((r) => r.table);
      // "N rows" appears together with the rows (a slow first page must not hold it forever).
      await Promise.race([results.show(result, pointerColumnNames(schema(), tables), target.sql), new Promise((r) => setTimeout(r, 3000))]);
      setStatus(`${formatCount(n)} row${n === 1 ? '' : 's'} · ${formatElapsedMs(result.elapsedMs)}`, 'ok');
    } catch (e) {
      const msg = errorMessage(e);
      // The engine says what kind of failure this is; a run the user asked to cancel reads as
      // cancelled whatever ended it first.
      switch (cancelRequested ? 'cancelled' : failureCodeOf(e)) {
        case 'cancelled':
          setStatus(`Cancelled after ${formatElapsedMs(performance.now() - t0)} (${msg.split('\n')[0]})`, 'error');
          history.add(target.sql, { error: 'cancelled' });
          break;
        default:
          setStatus(`Error: ${msg}`, 'error');
          results.showError(msg);
          editor.markError(target, e instanceof EngineCallError ? e.position : null, msg);
          history.add(target.sql, { error: msg });
          break;
      }
    } finally {
      clearInterval(timer);
      running = false;
      editor.runButton.disabled = false;
      editor.cancelButton.disabled = true;
    }
  }

  return {
    runCurrent() {
      const target = editor.runTarget();
      if (!target) {
        setStatus('Nothing to run: write a statement first', 'idle');
        return;
      }
      void runSql(target);
    },
    runSql,
    cancel() {
      if (!running) return;
      cancelRequested = true;
      setStatus('Cancelling…', 'running');
      client.call('cancelQuery', {}).catch((e: unknown) => setStatus(`Cancel failed: ${errorMessage(e)}`, 'error'));
    },
    get running() {
      return running;
    },
  };
}
