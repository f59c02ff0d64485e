// Debounced saving: edits arrive per keystroke, the engine gets the model once typing pauses.
// Saves never overlap (the engine sees them in order) and the latest model always wins.

export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export interface Autosave<T> {
  /** Remember `value` as the latest and save it after the quiet period. */
  schedule(value: T): void;
  /** Save now if anything is unsaved; resolves when the latest value is stored (or failed). */
  flush(): Promise<void>;
  /** True while a value is waiting or being saved. */
  readonly busy: boolean;
  cancel(): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function createAutosave<T>(
  save: (value: T) => Promise<void>,
  opts: { delayMs: number; onState?: (state: SaveState, error?: unknown) => void; timers?: Timers },
): Autosave<T> {
  const timers = opts.timers ?? realTimers;
  let latest: { value: T } | null = null;
  let timer: unknown = null;
  let running: Promise<void> | null = null;
  const state = (s: SaveState, e?: unknown) => opts.onState?.(s, e);

  async function drain(): Promise<void> {
    while (latest) {
      const { value } = latest;
      latest = null;
      state('saving');
      try {
        await save(value);
        if (!latest) state('saved');
      } catch (e) {
        // Keep the failed value as unsaved unless a newer one superseded it: flush() retries.
        latest ??= { value };
        state('error', e);
        return;
      }
    }
  }

  function start(): Promise<void> {
    if (timer !== null) {
      timers.clear(timer);
      timer = null;
    }
    running ??= drain().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    schedule(value) {
      latest = { value };
      state('pending');
      if (timer !== null) timers.clear(timer);
      timer = timers.set(() => {
        timer = null;
        void start();
      }, opts.delayMs);
    },
    async flush() {
      if (running) await running;
      if (latest) await start();
    },
    get busy() {
      return latest !== null || running !== null || timer !== null;
    },
    cancel() {
      if (timer !== null) timers.clear(timer);
      timer = null;
      latest = null;
    },
  };
}
