import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appRequestHandler, mimeTypeFor, resolveAppRequest, registerAppScheme } from '../../../../src-main/hosts/electron/app-protocol.ts';
import { CSP } from '../../../../src-main/hosts/electron/security.ts';
import { SAMPLES, scratch } from '../../../helpers/paths.ts';

const MANIFEST = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/manifest.json');
const SAMPLE_GZ = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz');

let tmp: ReturnType<typeof scratch>;
let root: string;
let secret: string;

beforeAll(() => {
  tmp = scratch('qtw-proto-');
  root = path.join(tmp.dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>qtw</title>');
  writeFileSync(path.join(root, 'assets/index-abc.js'), 'export {};');
  writeFileSync(path.join(root, 'assets/style.css'), 'body{}');
  writeFileSync(path.join(root, 'assets/has space.svg'), '<svg/>');
  copyFileSync(MANIFEST, path.join(root, 'assets/manifest.json'));
  copyFileSync(SAMPLE_GZ, path.join(root, 'assets/sample.gz'));
  secret = path.join(tmp.dir, 'secret.txt');
  writeFileSync(secret, 'do not serve');
  symlinkSync(secret, path.join(root, 'assets/link.txt'));
});
afterAll(() => tmp.cleanup());

const url = (p: string) => `qtw://app${p}`;

describe('resolveAppRequest', () => {
  it('maps app URLs to files under root with their MIME types', () => {
    expect(resolveAppRequest(root, url('/'))).toEqual({ file: path.join(root, 'index.html'), mime: 'text/html; charset=utf-8' });
    expect(resolveAppRequest(root, url('/index.html?x=1#y'))).toEqual({ file: path.join(root, 'index.html'), mime: 'text/html; charset=utf-8' });
    expect(resolveAppRequest(root, url('/assets/index-abc.js'))).toMatchObject({ mime: 'text/javascript; charset=utf-8' });
    expect(resolveAppRequest(root, url('/assets/style.css'))).toMatchObject({ mime: 'text/css; charset=utf-8' });
    expect(resolveAppRequest(root, url('/assets/has%20space.svg'))).toEqual({ file: path.join(root, 'assets/has space.svg'), mime: 'image/svg+xml' });
    expect(resolveAppRequest(root, url('/assets/manifest.json'))).toMatchObject({ mime: 'application/json; charset=utf-8' });
    expect(mimeTypeFor('x.WOFF2')).toBe('font/woff2');
    expect(mimeTypeFor('x.wasm')).toBe('application/wasm');
    expect(mimeTypeFor('x.unknown')).toBe('application/octet-stream');
  });

  it('refuses traversal in every spelling', () => {
    for (const p of [
      '/../secret.txt',
      '/../../etc/passwd',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2e%2e/etc/passwd',
      '/.%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets\\..\\..\\secret.txt',
      '/%5c..%5csecret.txt',
      '//etc/passwd',
      '/%2fetc/passwd',
      '/etc/passwd%00.html',
      '/C:/Windows/win.ini',
      '/assets/link.txt',
    ]) {
      const r = resolveAppRequest(root, url(p));
      expect('status' in r, p).toBe(true);
    }
    // A URL the WHATWG parser collapses must not turn into root/etc/passwd either.
    expect(resolveAppRequest(root, 'qtw://app/../../etc/passwd')).toMatchObject({ status: 400 });
  });

  it('refuses other schemes and hosts, and missing files', () => {
    expect(resolveAppRequest(root, 'file:///etc/passwd')).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, 'qtw://other/index.html')).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, 'https://app/index.html')).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, url('/nope.js'))).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, url('/assets'))).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, url('/%E0%A4%A'))).toMatchObject({ status: 400 });
    expect(resolveAppRequest(path.join(tmp.dir, 'missing'), url('/index.html'))).toMatchObject({ status: 404 });
  });
});

describe('appRequestHandler', () => {
  it('serves the exact bytes with MIME type and CSP', async () => {
    const handler = appRequestHandler(root);
    const res = await handler(new Request(url('/assets/sample.gz')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(SAMPLE_GZ))).toBe(true);

    const json = await handler(new Request(url('/assets/manifest.json')));
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual(JSON.parse(readFileSync(MANIFEST, 'utf8')));
  });

  it('answers refusals with an error status, the CSP, and no file content', async () => {
    const handler = appRequestHandler(root);
    for (const p of ['/%2e%2e/secret.txt', '/assets/link.txt', '/nope']) {
      const res = await handler(new Request(url(p)));
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('content-security-policy')).toBe(CSP);
      expect(await res.text()).not.toContain('do not serve');
    }
    const post = await handler(new Request(url('/index.html'), { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
    const head = await handler(new Request(url('/index.html'), { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('registers qtw as a standard, secure, fetch-capable scheme', () => {
    const calls: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s) => void calls.push(s) });
    expect(calls).toEqual([[{ scheme: 'qtw', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) }]]);
  });
});
