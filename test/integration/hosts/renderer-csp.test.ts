// Both hosts send one policy, and the page's own meta tag says the same (frame-ancestors aside:
// browsers ignore it in a meta tag).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../../src-main/hosts/renderer-csp.ts';
import { CSP as ELECTRON_CSP } from '../../../src-main/hosts/electron/security.ts';
import { CSP as SERVER_CSP } from '../../../src-main/hosts/server/static-files.ts';
import { REPO } from '../../helpers/paths.ts';

const directives = (csp: string) => new Set(csp.split(';').map((d) => d.trim()).filter(Boolean));

describe('renderer CSP', () => {
  it('is the same in both hosts and in index.html', () => {
    expect(ELECTRON_CSP).toBe(RENDERER_CSP);
    expect(SERVER_CSP).toBe(RENDERER_CSP);
    const html = readFileSync(path.join(REPO, 'src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const want = directives(RENDERER_CSP);
    want.delete("frame-ancestors 'none'");
    expect(directives(meta)).toEqual(want);
  });

  it('allows no remote origin and no eval', () => {
    expect(RENDERER_CSP).not.toMatch(/https?:|unsafe-eval|\*/);
    expect(directives(RENDERER_CSP).has("default-src 'self'")).toBe(true);
  });
});
