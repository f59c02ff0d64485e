// `npm run build:cli`: the command line as plain JavaScript, so that `qtw` starts without
// compiling TypeScript (bin/qtw.mjs runs dist/cli/main.js when it is up to date). One esbuild
// bundle with code splitting: the modules a command imports dynamically (report, charts,
// archives, serve) become chunks loaded only by that command. node_modules stay external: the
// native ones (DuckDB, lzma-native, resvg) cannot be bundled, and an installed package gets the
// others as its dependencies anyway.
// Run: npx tsx tools/build-cli.ts [--outdir DIR]   (default dist/cli; DIR must be inside the
// checkout, where the built code finds resources/ and node_modules/ by walking up).
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = path.resolve(values.outdir ?? path.join(repo, 'dist/cli'));
// Built beside the target, then swapped in, so a `qtw` starting meanwhile sees the old build or
// the new one, never half of one.
const staging = `${outdir}.building-${process.pid}`;

rmSync(staging, { recursive: true, force: true });
mkdirSync(path.dirname(outdir), { recursive: true });
try {
  await build({
    absWorkingDir: repo,
    entryPoints: {
      main: 'src-main/hosts/cli/main.ts',
      // Started by parse-worker-spawn.ts as ./parse-worker.js beside the built module (chunks
      // stay flat in outdir for that, and for sql/ below).
      'parse-worker': 'src-main/ingest/pipeline/parse-worker.ts',
    },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.10',
    packages: 'external',
    logLevel: 'warning',
  });
  // analyses/install.ts reads the analysis templates at run time from sql/ beside the module.
  const sqlSrc = path.join(repo, 'src-main/analyses/sql');
  mkdirSync(path.join(staging, 'sql'));
  for (const f of readdirSync(sqlSrc)) if (f.endsWith('.sql')) cpSync(path.join(sqlSrc, f), path.join(staging, 'sql', f));
  if (existsSync(outdir)) rmSync(outdir, { recursive: true, force: true });
  renameSync(staging, outdir);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
process.stderr.write(`built ${path.relative(process.cwd(), outdir) || '.'}\n`);
