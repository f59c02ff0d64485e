// Recently opened workspaces: a small JSON list in userData, newest first. The file is ours but
// may be damaged or hand-edited, so whatever is read is validated and anything odd is dropped.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const RECENT_LIMIT = 10;
const MAX_PATH = 4096;

/** Parse the stored JSON; never throws. */
export function parseRecent(text: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  const list = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { workspaces?: unknown }).workspaces : undefined;
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const p of list) {
    if (typeof p === 'string' && p.length > 0 && p.length <= MAX_PATH && !p.includes('\0') && path.isAbsolute(p) && !out.includes(p)) out.push(p);
    if (out.length === RECENT_LIMIT) break;
  }
  return out;
}

/** `workspace` moved to the front, duplicates removed, bounded. */
export function withRecent(list: readonly string[], workspace: string): string[] {
  return [workspace, ...list.filter((p) => p !== workspace)].slice(0, RECENT_LIMIT);
}

export class RecentWorkspaces {
  constructor(private readonly file: string) {}

  list(): string[] {
    try {
      return parseRecent(readFileSync(this.file, 'utf8'));
    } catch {
      return [];
    }
  }

  add(workspace: string): string[] {
    const next = withRecent(this.list(), workspace);
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Write-then-rename: a crash mid-write must not leave a truncated list.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ workspaces: next }, null, 1) + '\n');
    renameSync(tmp, this.file);
    return next;
  }
}
