// The slice of Web Storage the stores need; tests pass a Map-backed one.
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function memoryStore(): KeyValueStore & { readonly data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

/** JSON read that survives a corrupted or foreign value. */
export function readJson<T>(store: KeyValueStore, key: string, valid: (v: unknown) => v is T, fallback: T): T {
  try {
    const raw = store.getItem(key);
    if (raw === null) return fallback;
    const v: unknown = JSON.parse(raw);
    return valid(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

/** Storage full or disabled must not break the app; the state then just is not persisted. */
export function writeJson(store: KeyValueStore, key: string, value: unknown): void {
  try {
    store.setItem(key, JSON.stringify(value));
  } catch {
    /* quota exceeded or storage disabled */
  }
}
