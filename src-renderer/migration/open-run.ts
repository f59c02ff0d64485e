// Opening a run on the Migration page from anywhere in the renderer (the Fleet page, a link):
// a window event that main.ts turns into "select this run and show the page", so that pages do
// not import each other.
import type { RunRef } from '../../src-main/contract.ts';

export const OPEN_RUN_EVENT = 'qtw:open-run';

// The page's window (globalThis there); a test passes an EventTarget of its own.
const page = (): EventTarget => globalThis as unknown as EventTarget;

/** Show run `runId` (attempt: null = its last) on the Migration page. */
export function openRun(runId: number, attempt: number | null = null, target: EventTarget = page()): void {
  const detail: RunRef = { runId, attempt };
  target.dispatchEvent(new CustomEvent<RunRef>(OPEN_RUN_EVENT, { detail }));
}

/** Calls `listener` for every openRun; returns the unsubscribe. */
export function onOpenRun(listener: (ref: RunRef) => void, target: EventTarget = page()): () => void {
  const h = (e: Event) => {
    const d = (e as CustomEvent<RunRef>).detail;
    if (d && Number.isSafeInteger(d.runId)) listener({ runId: d.runId, attempt: d.attempt ?? null });
  };
  target.addEventListener(OPEN_RUN_EVENT, h);
  return () => target.removeEventListener(OPEN_RUN_EVENT, h);
}
