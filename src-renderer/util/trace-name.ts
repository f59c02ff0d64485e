// How a trace is named on screen: by the name the user gave its file. An upload to `qtw serve` is
// stored as `qtw-uploads/<ms>-<n>-<name>` (or, from a picked folder, under a folder of its own)
// and keeps the browser's name (or the path in the picked folder) in `originalName`; a file the
// engine read where the user keeps it is named by its base name. Pure: no DOM.
import type { TraceInfo } from '../../src-main/contract.ts';

type Named = Pick<TraceInfo, 'path' | 'member' | 'originalName'>;

/** The file part of a path, and for an upload stored before names were kept, without its `<ms>-<n>-` prefix. */
export function fileBaseName(p: string): string {
  const base = p.split(/[\\/]/).pop() ?? p;
  return /uploads[\\/][^\\/]+$/.test(p) ? base.replace(/^\d{12,}-\d+-/, '') : base;
}

/** `src.log`, `run-3/dst.log.gz` (a picked folder), `bug.tar.gz ▸ src.log` (an archive member). */
export function traceName(t: Named): string {
  const file = t.originalName ?? fileBaseName(t.path);
  return t.member ? `${file} ▸ ${t.member}` : file;
}

/** The tooltip: the name the user gave and where it is stored when that differs, else the path. */
export function traceTitle(t: Named): string {
  const where = t.member ? `${t.path} ▸ ${t.member}` : t.path;
  return t.originalName === null || t.originalName === t.path ? where : `${traceName(t)}\nstored as ${where}`;
}
