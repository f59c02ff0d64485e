// Per-stage CPU profile of one ingest, from the .cpuprofile files that `node --cpu-prof` writes for
// each thread (main, parse workers, the module loader's) plus the phase CPU times that
// ingest-phases-child.ts measures for the whole process. Every sampled stack is given one stage
// by the files and functions on it (the innermost-reaching rule of highest rank wins, so a record
// batcher called from the decoder counts as batching, a DuckDB call under the trace writer's commit
// as commit); CPU on threads V8 does not sample (DuckDB's, zlib's, V8's own helpers) is what the
// process used beyond the sampled threads.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Phase } from './ingest-phases-child.ts';

export const STAGES = [
  'read + decompress',
  'line split / record framing',
  'printf decode',
  'batching (columns, string packing)',
  'worker <-> main messages',
  'sha256',
  'DuckDB append (main thread)',
  'commit (all threads)',
  'after commit: runs, alignment, views (all thr.)',
  'workspace close, checkpoint (all threads)',
  'setup: catalogue, head, trial decode',
  'ingest driver (queue, pipeline)',
  'garbage collection (JS threads)',
  'start-up: module loading (tsx)',
  'other JS',
  'native, unattributed ((program))',
  'unsampled threads (DuckDB, zlib, V8 helpers)',
] as const;
export type Stage = (typeof STAGES)[number];

interface Rule {
  readonly stage: Stage;
  readonly rank: number;
  readonly test: (url: string, fn: string) => boolean;
}

const src = (...files: string[]) => (url: string) => files.some((f) => url.includes(`/src-main/${f}`));
const RULES: readonly Rule[] = [
  { stage: 'start-up: module loading (tsx)', rank: 100, test: (u) => /^node:internal\/(modules|bootstrap)|\/tsx\/|cjs-module-lexer|esbuild/.test(u) },
  { stage: 'workspace close, checkpoint (all threads)', rank: 90, test: (u, f) => f === 'closeSync' && u.includes('DuckDBInstance') },
  { stage: 'commit (all threads)', rank: 90, test: (u, f) => f === 'commit' && src('workspace/trace-writer.ts')(u) },
  {
    stage: 'after commit: runs, alignment, views (all thr.)',
    rank: 90,
    test: (u, f) => src('analyses/')(u) || (src('service/workspace-engine.ts')(u) && /refreshRuns|alignClocks|refreshAnalyses/.test(f)),
  },
  {
    stage: 'setup: catalogue, head, trial decode',
    rank: 80,
    test: (u, f) =>
      src('catalogue/grammar.ts', 'catalogue/catalogue.ts', 'catalogue/ctypes.ts', 'catalogue/sources.ts', 'catalogue/index.ts', 'ingest/trial.ts', 'formats/text-sniff.ts', 'workspace/schema.ts')(u) ||
      (src('catalogue/printf.ts')(u) && /^compile/.test(f)) ||
      (src('ingest/pipeline/decoders.ts')(u) && f === 'planFor') ||
      (src('ingest/ingest.ts')(u) && /head|catalogue|plan/i.test(f)),
  },
  { stage: 'DuckDB append (main thread)', rank: 70, test: (u) => src('workspace/trace-writer.ts', 'workspace/column-batch.ts')(u) || u.includes('/@duckdb/') },
  // Only the native calls that copy a message: every worker stack starts in a message handler.
  { stage: 'worker <-> main messages', rank: 60, test: (u, f) => u === '' && /^(postMessage|receiveMessageOnPort)$/.test(f) },
  { stage: 'sha256', rank: 50, test: (u) => u === 'node:internal/crypto/hash' },
  {
    stage: 'batching (columns, string packing)',
    rank: 40,
    test: (u) => src('ingest/pipeline/record-batcher.ts', 'ingest/pipeline/buffer-pool.ts', 'workspace/column.ts', 'workspace/record-batch.ts')(u),
  },
  { stage: 'printf decode', rank: 30, test: (u) => src('catalogue/', 'formats/text-decoder.ts', 'formats/dialects/', 'formats/simpletrace-args.ts', 'formats/paste.ts')(u) },
  { stage: 'line split / record framing', rank: 20, test: (u) => src('formats/lines.ts', 'formats/simpletrace-decoder.ts')(u) },
  { stage: 'read + decompress', rank: 10, test: (u) => src('ingest/sources/')(u) || /^node:(internal\/)?(fs|zlib)/.test(u) || u.includes('/fzstd/') || u.includes('/lzma-native/') },
  { stage: 'ingest driver (queue, pipeline)', rank: 5, test: (u) => src('ingest/', 'service/')(u) },
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface StageProfile {
  /** CPU ms per stage. */
  readonly ms: Map<Stage, number>;
  /** Busy (non-idle) sampled ms per thread: main first, then the others in file order. */
  readonly threads: { readonly file: string; readonly busyMs: number; readonly loader: boolean; readonly hottest: [string, number][] }[];
  readonly totalMs: number;
  /** Sampled busy time outside the serial phases, and the serial phases' CPU (see stageProfile). */
  readonly sampledMs: number;
  readonly serialMs: number;
}

/** The stage of every node of one profile (memoised down from the root). */
function nodeStages(p: CpuProfile, loaderThread: boolean): Map<number, Stage | 'idle'> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<number, Stage | 'idle'>();
  const walk = (id: number, inherited: Rule | null) => {
    const n = byId.get(id)!;
    const url = n.callFrame.url.replace(/\?.*$/, '');
    const fn = n.callFrame.functionName;
    let best = inherited;
    for (const r of RULES) if ((best === null || r.rank > best.rank) && r.test(url, fn)) best = r;
    if (fn === '(idle)') out.set(id, 'idle');
    else if (loaderThread) out.set(id, 'start-up: module loading (tsx)');
    else if (fn === '(garbage collector)') out.set(id, 'garbage collection (JS threads)');
    else if (fn === '(program)') out.set(id, 'native, unattributed ((program))');
    else out.set(id, best?.stage ?? 'other JS');
    for (const c of n.children ?? []) walk(c, best);
  };
  const childIds = new Set(p.nodes.flatMap((n) => n.children ?? []));
  for (const n of p.nodes) if (!childIds.has(n.id)) walk(n.id, null);
  return out;
}

/**
 * Aggregate the profiles in `dir` (one ingest's threads). `totalCpuMs` and `phases`: what the
 * process used in all, and in the phases that run without the parse workers (commit, after, close).
 */
export function stageProfile(dir: string, totalCpuMs: number, phases: Record<'commit' | 'after' | 'close', Phase>): StageProfile {
  const ms = new Map<Stage, number>(STAGES.map((s) => [s, 0]));
  const threads: StageProfile['threads'][number][] = [];
  // Thread 0 (the main thread) first: file names are CPU.date.time.pid.thread.seq.cpuprofile.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => Number(a.split('.')[4]) - Number(b.split('.')[4]));
  for (const f of files) {
    const p = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
    // The module loader's hooks thread (tsx) runs nothing but module loading.
    const loader = p.nodes.some((n) => n.callFrame.url === 'node:internal/modules/esm/worker');
    const stages = nodeStages(p, loader);
    let busy = 0;
    const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
    const self = new Map<string, number>();
    p.samples.forEach((id, i) => {
      const s = stages.get(id)!;
      const d = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
      if (s === 'idle') return;
      busy += d;
      ms.set(s, ms.get(s)! + d);
      const cf = byId.get(id)!;
      const where = cf.url === '' ? '' : ` ${path.basename(cf.url.replace(/\?.*$/, ''))}`;
      const key = `${cf.functionName || '(anonymous)'}${where}`;
      self.set(key, (self.get(key) ?? 0) + d);
    });
    const hottest = [...self].sort((a, b) => b[1] - a[1]).slice(0, 6);
    threads.push({ file: f, busyMs: busy, loader, hottest });
  }
  // The serial phases after the stream are measured for the whole process (DuckDB works on its
  // own threads then): their sampled share is replaced by what the process used.
  const whole: [Stage, Phase][] = [
    ['commit (all threads)', phases.commit],
    ['after commit: runs, alignment, views (all thr.)', phases.after],
    ['workspace close, checkpoint (all threads)', phases.close],
  ];
  for (const [s, p] of whole) ms.set(s, p.cpuMs);
  const sampled = [...ms].filter(([s]) => !whole.some(([w]) => w === s)).reduce((a, [, v]) => a + v, 0);
  const serial = whole.reduce((a, [, p]) => a + p.cpuMs, 0);
  ms.set('unsampled threads (DuckDB, zlib, V8 helpers)', Math.max(0, totalCpuMs - sampled - serial));
  return { ms, threads, totalMs: totalCpuMs, sampledMs: sampled, serialMs: serial };
}
