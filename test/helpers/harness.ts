// End-to-end harness: a real `qtw serve` child process on a scratch workspace, and Debian's
// Chromium driven by playwright-core. Screenshots go to test-artifacts/e2e (not committed).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from './paths.ts';

export const ARTIFACTS = path.join(REPO, 'test-artifacts/e2e');
export const CHROMIUM = process.env.QTW_CHROMIUM ?? '/usr/bin/chromium';

export interface Served {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Start `qtw serve ARGS` and resolve once it prints its URL on stdout. */
export function startServe(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  return startQtw('serve', args, env);
}

/** Start `qtw serve|start --no-open ARGS` and resolve once it prints its URL on stdout. */
export function startQtw(command: 'serve' | 'start', args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/qtw.mjs'), command, '--no-open', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`qtw serve printed no URL in 120 s; stderr: ${err}`)), 120_000);
    child.on('exit', (code) => reject(new Error(`qtw serve exited with ${code}: ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/[^\s]+\?token=([\w-]+))/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1];
      resolve({
        url,
        origin: new URL(url).origin,
        token: m[2],
        child,
        stderr: () => err,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Whether to run browser tests: always in CI (a missing Chromium must fail there, not skip). */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM) || Boolean(process.env.CI);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** Console errors and uncaught page errors, collected from page creation on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}
