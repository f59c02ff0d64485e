// The upload cleanup of `qtw serve` removes only uploads: a link planted in the upload folder
// (or an upload folder that is itself a link) never leads it into other folders, and a folder
// named on the command line inside the upload folder is the user's input, not an old upload.
import { existsSync, mkdirSync, copyFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serve } from '../../../../src-main/hosts/server/serve.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../../helpers/paths.ts';

const SAMPLE = path.join(SAMPLES, 'qemu-7.2.22-log', 'qemu-7.2.22-log-nots-multifd-src.log');

describe('qtw serve upload cleanup', () => {
  const tmp = scratch('qtw-upload-cleanup-');
  afterAll(() => tmp.cleanup());
  const renderer = path.join(tmp.dir, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');

  it('never follows a link in the upload folder, nor an upload folder that is a link; keeps a folder named on the command line', async () => {
    const victim = path.join(tmp.dir, 'victim');
    mkdirSync(path.join(victim, 'sub', 'emptydir'), { recursive: true });
    writeFileSync(path.join(victim, 'keep.txt'), 'mine');
    writeFileSync(path.join(victim, 'sub', 'deep.txt'), 'mine too');
    const ws = path.join(tmp.dir, 'a');
    const uploads = path.join(ws, 'qtw-uploads');
    mkdirSync(path.join(uploads, 'mine', 'run'), { recursive: true });
    symlinkSync(victim, path.join(uploads, 'link'));
    copyFileSync(SAMPLE, path.join(uploads, 'mine', 'run', 'src.log'));
    writeFileSync(path.join(uploads, '1-1-stale.log'), 'an old upload nobody ingested');
    const session = await serve({
      workspace: path.join(ws, 'w.duckdb'),
      inputs: [path.join(uploads, 'mine', 'run')],
      options: { catalogues: [DEBIAN_72] },
      rendererDir: renderer,
      log: () => undefined,
    });
    try {
      await session.service.call('listTraces', {});
      // The start-up cleanup ran: the old upload is gone, the rest stays.
      expect(existsSync(path.join(uploads, '1-1-stale.log'))).toBe(false);
      expect(existsSync(path.join(victim, 'keep.txt'))).toBe(true);
      expect(existsSync(path.join(victim, 'sub', 'deep.txt'))).toBe(true);
      expect(existsSync(path.join(victim, 'sub', 'emptydir'))).toBe(true);
      expect(existsSync(path.join(uploads, 'link'))).toBe(true);
      expect(existsSync(path.join(uploads, 'mine', 'run', 'src.log'))).toBe(true);
    } finally {
      await session.stop();
    }
    // An upload folder that is a link to someone's folder: not walked at all.
    const ws2 = path.join(tmp.dir, 'b');
    mkdirSync(ws2);
    symlinkSync(victim, path.join(ws2, 'qtw-uploads'));
    const s2 = await serve({ workspace: path.join(ws2, 'w.duckdb'), inputs: [], options: { catalogues: [DEBIAN_72] }, rendererDir: renderer, log: () => undefined });
    await s2.stop();
    expect(existsSync(path.join(victim, 'keep.txt'))).toBe(true);
    expect(existsSync(path.join(victim, 'sub', 'deep.txt'))).toBe(true);
  }, 120_000);
});
