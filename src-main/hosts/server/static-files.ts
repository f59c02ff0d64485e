// Serving the built renderer: files under one root only, with the CSP every page gets.
import { createReadStream, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { RENDERER_CSP } from '../renderer-csp.ts';

export const CSP = RENDERER_CSP;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
  '.csv': 'text/csv; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Map a URL path to a file under root, or null when it would leave root or names no file. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = path.resolve(root);
  const full = path.resolve(base, rel);
  if (full !== base && !full.startsWith(base + path.sep)) return null;
  try {
    return statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

/**
 * resolveStatic, then the same confinement for the file's real path: a symlink under root that
 * leads elsewhere (a download folder others can write to) must not serve what it points at.
 */
export async function resolveStaticReal(root: string, urlPath: string): Promise<string | null> {
  const file = resolveStatic(root, urlPath);
  if (file === null) return null;
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(file)]);
    return real.startsWith(realRoot + path.sep) && statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

export function staticStream(file: string) {
  return createReadStream(file);
}
