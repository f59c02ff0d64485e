// `npm run pack:offline`: a tarball of `qtw` that `npm install -g TARBALL` installs with no
// registry at all (air-gapped analysis machines): its runtime dependencies travel inside it
// (npm bundleDependencies), copied from this checkout's node_modules.
// PLATFORM-SPECIFIC: the bundle carries the native builds installed here (DuckDB's bindings,
// resvg, lzma-native's prebuilds), so the tarball is named for the platform it was made on
// (qemu-trace-workbench-0.1.0-linux-x64.tgz; -musl for a musl libc) and its package.json has
// os/cpu (and libc) fields, so that npm refuses it elsewhere instead of installing a qtw that
// cannot load DuckDB. Make one per target platform, on that platform.
// A plain `npm pack` gives the portable tarball, which needs a registry (or a warm cache) to install.
// Run: npx tsx tools/pack-offline.ts [--pack-destination DIR]   (default: the current directory,
// as `npm pack`). Prints the tarball's path on stdout.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { 'pack-destination': { type: 'string' } } });
// Under `npm run`, the cwd is the checkout; INIT_CWD is where the user typed the command.
const cwd = process.env.INIT_CWD ?? process.cwd();
const dest = path.resolve(cwd, values['pack-destination'] ?? '.');

// bin/qtw.mjs loads tsx only in a checkout (src-main/ present) or when dist/cli is missing; an
// installed package has dist/cli and no src-main/, so tsx (and the esbuild it pulls in) stays out.
const NOT_AT_RUN_TIME = new Set(['tsx']);

function fail(msg: string): never {
  process.stderr.write(`pack-offline: ${msg}\n`);
  process.exit(1);
}

/** The command's stdout; with `quiet`, its output goes to our stderr (stdout is the tarball's path). */
function run(cmd: string, args: string[], cwd: string, quiet = false): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', quiet ? 2 : 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  if (r.error) fail(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  return r.stdout ?? '';
}

/** True when some file under dir changed after `than` (ms). */
function newerThan(dir: string, than: number): boolean {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() ? newerThan(p, than) : statSync(p).mtimeMs > than) return true;
  }
  return false;
}

// --- build: dist/cli always (cheap, swapped in atomically); the renderer only when missing or
// older than its sources, since rebuilding it empties dist/renderer under a running `qtw serve`.
const rendererIndex = path.join(repo, 'dist/renderer/index.html');
if (!existsSync(rendererIndex) || newerThan(path.join(repo, 'src-renderer'), statSync(rendererIndex).mtimeMs)) {
  run('npm', ['run', '-s', 'build:renderer'], repo, true);
}
run('npm', ['run', '-s', 'build:cli'], repo, true);
const cliDir = path.join(repo, 'dist/cli');
for (const f of readdirSync(cliDir)) {
  if (f.endsWith('.js') && /(?:from\s*|import\(\s*)["']tsx(?:\/[^"']*)?["']/.test(readFileSync(path.join(cliDir, f), 'utf8'))) {
    fail(`dist/cli/${f} imports tsx, which this tarball leaves out`);
  }
}

// --- the production dependency tree, as installed here, minus what only a checkout needs.
interface LsNode {
  readonly path?: string;
  readonly missing?: boolean;
  readonly dependencies?: Record<string, LsNode>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as Record<string, unknown> & {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};
const runtime = Object.fromEntries(Object.entries(pkg.dependencies).filter(([n]) => !NOT_AT_RUN_TIME.has(n)));
// `npm ls` exits non-zero on any tree problem (an engines warning of a dev tool, say); what
// matters here is that every runtime package is present, checked below.
const lsOut = spawnSync('npm', ['ls', '--omit=dev', '--all', '--json', '--long'], { cwd: repo, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
if (lsOut.error) fail(`npm ls: ${lsOut.error.message}`);
const tree = JSON.parse(lsOut.stdout) as LsNode;
const dirs = new Set<string>();
function collect(name: string, node: LsNode, parent?: LsNode): void {
  if (node.missing || node.path === undefined) {
    // Other platforms' native builds (optional dependencies npm did not install here), and
    // optional peers (ws's bufferutil): the package runs without them.
    if (parent?.optionalDependencies?.[name] !== undefined || parent?.peerDependenciesMeta?.[name]?.optional) return;
    fail(`${name} is not installed in node_modules: run \`npm ci\` first`);
  }
  // No early return on a path seen before: `npm ls` lists a package's dependencies at one of its
  // occurrences only (the others say "deduped"), not necessarily the first one walked.
  dirs.add(node.path);
  for (const [n, d] of Object.entries(node.dependencies ?? {})) collect(n, d, node);
}
for (const name of Object.keys(runtime)) {
  const node = tree.dependencies?.[name];
  if (node === undefined) fail(`${name} is not installed in node_modules: run \`npm ci\` first`);
  collect(name, node);
}

/** True when `name` resolves, as Node would resolve it, from the package at root/rel. */
function resolves(root: string, rel: string, name: string): boolean {
  // Node looks in DIR/node_modules for every ancestor DIR of the package (itself included)
  // that is not itself a node_modules folder.
  for (let at = rel; ; at = path.dirname(at)) {
    if (path.basename(at) !== 'node_modules' && existsSync(path.join(root, at, 'node_modules', name, 'package.json'))) return true;
    if (at === '' || at === '.') return false;
  }
}

/** Fails unless the staged package at stage/rel finds its dependencies, and the optional ones it finds in the checkout. */
function checkStaged(stage: string, rel: string, m: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }): void {
  for (const name of Object.keys(m.dependencies ?? {})) {
    if (!resolves(stage, rel, name)) fail(`${rel || 'the package'} needs ${name}, which the bundle lacks`);
  }
  for (const name of Object.keys(m.optionalDependencies ?? {})) {
    if (resolves(repo, rel, name) && !resolves(stage, rel, name)) fail(`${rel}: ${name} is installed here but missing from the bundle`);
  }
}

// --- stage the package and pack it.
const musl = process.platform === 'linux' && !(process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
const target = `${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
const stage = mkdtempSync(path.join(os.tmpdir(), 'qtw-pack-offline-'));
try {
  for (const f of ['bin/qtw.mjs', 'dist/cli', 'dist/renderer', 'resources', 'README.md']) {
    cpSync(path.join(repo, f), path.join(stage, f), { recursive: true });
  }
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: `${String(pkg.description)} Offline build for ${target}: dependencies bundled.`,
    license: pkg.license,
    private: true,
    type: pkg.type,
    bin: pkg.bin,
    files: pkg.files,
    engines: pkg.engines,
    os: [process.platform],
    cpu: [process.arch],
    ...(process.platform === 'linux' ? { libc: [musl ? 'musl' : 'glibc'] } : {}),
    dependencies: runtime,
    bundleDependencies: Object.keys(runtime),
  };
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const dir of dirs) {
    const rel = path.relative(repo, dir);
    if (rel.startsWith('..') || path.isAbsolute(rel)) fail(`${dir}: a dependency outside the checkout's node_modules (npm link?) cannot be bundled`);
    // A package's own node_modules/ may hold dev-only packages: nested runtime ones are in `dirs` too.
    cpSync(dir, path.join(stage, rel), { recursive: true, filter: (src) => path.relative(dir, src).split(path.sep)[0] !== 'node_modules' });
  }
  checkStaged(stage, '', manifest);
  for (const dir of dirs) {
    const rel = path.relative(repo, dir);
    checkStaged(stage, rel, JSON.parse(readFileSync(path.join(stage, rel, 'package.json'), 'utf8')) as Parameters<typeof checkStaged>[2]);
  }
  mkdirSync(dest, { recursive: true });
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dest], stage)) as { filename: string; size: number; bundled: string[] }[];
  const { filename, size, bundled } = packed[0];
  const out = path.join(dest, filename.replace(/\.tgz$/, `-${target}.tgz`));
  renameSync(path.join(dest, filename), out);
  const shown = path.relative(cwd, out);
  process.stderr.write(`${shown.startsWith(`..${path.sep}`) ? out : shown}: ${(size / 1e6).toFixed(1)} MB, ${bundled.length} bundled packages, for ${target} only\n`);
  process.stdout.write(`${out}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
