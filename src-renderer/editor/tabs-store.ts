// Editor tabs (title + SQL), persisted so a reload or restart keeps the user's work.
import { readJson, writeJson, type KeyValueStore } from '../util/kv-store.ts';

export interface EditorTab {
  readonly id: number;
  readonly title: string;
  readonly sql: string;
}

interface TabsState {
  readonly tabs: EditorTab[];
  readonly activeId: number;
}

const KEY = 'qtw.tabs.v1';

function isState(v: unknown): v is TabsState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as TabsState;
  return Array.isArray(s.tabs) && s.tabs.length > 0 && typeof s.activeId === 'number' &&
    s.tabs.every((t) => typeof t.id === 'number' && typeof t.title === 'string' && typeof t.sql === 'string');
}

export class TabsStore {
  private state: TabsState;

  constructor(
    private readonly store: KeyValueStore,
    initialSql: string,
  ) {
    this.state = readJson(store, KEY, isState, { tabs: [{ id: 1, title: 'Query 1', sql: initialSql }], activeId: 1 });
    if (!this.state.tabs.some((t) => t.id === this.state.activeId)) this.state = { ...this.state, activeId: this.state.tabs[0].id };
  }

  get tabs(): readonly EditorTab[] {
    return this.state.tabs;
  }

  get active(): EditorTab {
    return this.state.tabs.find((t) => t.id === this.state.activeId) ?? this.state.tabs[0];
  }

  add(sql = '', title?: string): EditorTab {
    const id = this.state.tabs.reduce((m, t) => Math.max(m, t.id), 0) + 1;
    const tab = { id, title: title ?? `Query ${id}`, sql };
    this.state = { tabs: [...this.state.tabs, tab], activeId: id };
    this.save();
    return tab;
  }

  /** Closing the last tab leaves one empty tab: the editor always has somewhere to type. */
  close(id: number): void {
    const idx = this.state.tabs.findIndex((t) => t.id === id);
    if (idx < 0) return;
    let tabs = this.state.tabs.filter((t) => t.id !== id);
    if (tabs.length === 0) tabs = [{ id: id + 1, title: `Query ${id + 1}`, sql: '' }];
    const activeId = this.state.activeId === id ? tabs[Math.min(idx, tabs.length - 1)].id : this.state.activeId;
    this.state = { tabs, activeId };
    this.save();
  }

  activate(id: number): void {
    if (!this.state.tabs.some((t) => t.id === id)) return;
    this.state = { ...this.state, activeId: id };
    this.save();
  }

  rename(id: number, title: string): void {
    const t = title.trim();
    if (!t) return;
    this.update(id, { title: t });
  }

  setSql(id: number, sql: string): void {
    this.update(id, { sql });
  }

  private update(id: number, patch: Partial<EditorTab>): void {
    this.state = { ...this.state, tabs: this.state.tabs.map((t) => (t.id === id ? { ...t, ...patch } : t)) };
    this.save();
  }

  private save(): void {
    writeJson(this.store, KEY, this.state);
  }
}
