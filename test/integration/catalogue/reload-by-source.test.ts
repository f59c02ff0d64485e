// A parse worker rebuilds the catalogue from its recorded source; it must get the very same
// catalogue (same id) for every kind of source, the embedded default included.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogueBySource, loadCatalogueFile, loadEmbeddedCatalogue } from '../../../src-main/catalogue/index.ts';
import { DEBIAN_72, SAMPLES } from '../../helpers/paths.ts';

describe('loadCatalogueBySource', () => {
  it('rebuilds the embedded catalogue with the same id', async () => {
    const cat = await loadEmbeddedCatalogue();
    const again = loadCatalogueBySource(cat.source, cat.name);
    expect(again.id).toBe(cat.id);
    expect(again.events.length).toBe(cat.events.length);
  });

  it('rebuilds a file catalogue with the same id', () => {
    const cat = loadCatalogueFile(DEBIAN_72);
    expect(loadCatalogueBySource(cat.source, cat.name).id).toBe(cat.id);
  });

  it('rebuilds an installed-style catalogue from its recorded file', () => {
    const file = path.join(SAMPLES, 'qemu-10.2.50/a-precopy/trace-events-all');
    const cat = loadCatalogueFile(file, 'installed:trace-events-all');
    const again = loadCatalogueBySource(`installed:${file}`, 'installed:trace-events-all');
    expect(again.events.length).toBe(cat.events.length);
    expect(again.sha256).toBe(cat.sha256);
  });

  it('fails loudly for a source that is gone', () => {
    expect(() => loadCatalogueBySource('/nonexistent/trace-events-all', 'x')).toThrow();
  });
});
