// Every query run, newest first, persisted. Capped so storage stays small; starred entries are
// what the user chose to keep, so the cap never evicts them.
import { readJson, writeJson, type KeyValueStore } from '../util/kv-store.ts';

export interface HistoryEntry {
  readonly id: number;
  readonly sql: string;
  /** ms since epoch */
  readonly at: number;
  readonly rows: number | null;
  readonly elapsedMs: number | null;
  readonly error: string | null;
  readonly starred: boolean;
}

const KEY = 'qtw.history.v1';

function isEntries(v: unknown): v is HistoryEntry[] {
  return Array.isArray(v) && v.every((e) => typeof e === 'object' && e !== null && typeof (e as HistoryEntry).sql === 'string' && typeof (e as HistoryEntry).id === 'number');
}

export class HistoryStore {
  private entries: HistoryEntry[];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: KeyValueStore,
    readonly cap = 500,
  ) {
    this.entries = readJson(store, KEY, isEntries, []);
  }

  list(): readonly HistoryEntry[] {
    return this.entries;
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  add(sql: string, outcome: { rows?: number | null; elapsedMs?: number | null; error?: string | null }, now = Date.now()): HistoryEntry {
    const text = sql.trim();
    const id = this.entries.reduce((m, e) => Math.max(m, e.id), 0) + 1;
    // Re-running the same text moves it to the top instead of filling the list with copies;
    // a star on the earlier run carries over.
    const prev = this.entries.find((e) => e.sql === text);
    const entry: HistoryEntry = {
      id,
      sql: text,
      at: now,
      rows: outcome.rows ?? null,
      elapsedMs: outcome.elapsedMs ?? null,
      error: outcome.error ?? null,
      starred: prev?.starred ?? false,
    };
    this.entries = [entry, ...this.entries.filter((e) => e !== prev)];
    this.evict();
    this.save();
    return entry;
  }

  toggleStar(id: number): void {
    this.entries = this.entries.map((e) => (e.id === id ? { ...e, starred: !e.starred } : e));
    this.evict();
    this.save();
  }

  remove(id: number): void {
    this.entries = this.entries.filter((e) => e.id !== id);
    this.save();
  }

  /** Entries whose text contains every whitespace-separated term (case-insensitive); starred first if asked. */
  search(query: string, starredOnly = false): HistoryEntry[] {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    return this.entries.filter((e) => (!starredOnly || e.starred) && terms.every((t) => e.sql.toLowerCase().includes(t)));
  }

  private evict(): void {
    let excess = this.entries.length - this.cap;
    if (excess <= 0) return;
    const keep: HistoryEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (excess > 0 && !e.starred) {
        excess--;
        continue;
      }
      keep.push(e);
    }
    this.entries = keep.reverse();
  }

  private save(): void {
    writeJson(this.store, KEY, this.entries);
    for (const l of this.listeners) l();
  }
}
