// The catalogue module's public surface.
export type * from './types.ts';
export { parseTraceEvents, parseFormatPart, expandPriMacro } from './grammar.ts';
export { argSpecFor, normalizeCType, isStringType, typedFromBits } from './ctypes.ts';
export { tokenizeFormat, compileFormat, compileFormatCached, conversionBits } from './printf.ts';
export { buildCatalogue } from './catalogue.ts';
export {
  loadCatalogueFile,
  loadCatalogueFromTree,
  loadCatalogueSource,
  loadInstalledCatalogue,
  loadEmbeddedCatalogue,
  resolveCatalogues,
  CatalogueSourceError,
  INSTALLED_CATALOGUE,
  EMBEDDED_CATALOGUE,
} from './sources.ts';
export { diffCatalogues, formatCatalogueDiff, signature } from './diff.ts';
