// The catalogue module's public surface.
export type * from './types.ts';
export type { ParseOptions, ParseResult } from './grammar.ts';
export type { CatalogueInput, CataloguePart } from './catalogue.ts';
export type { CatalogueChange, CatalogueDiff } from './diff.ts';
export type { ConversionToken, FormatToken, LiteralToken } from './printf.ts';
export { parseTraceEvents, parseFormatPart, expandPriMacro } from './grammar.ts';
export { argSpecFor, normalizeCType, isStringType, typedFromBits } from './ctypes.ts';
export { tokenizeFormat, conversionBits, compileFormat, compileFormatCached, compiledFormats } from './printf.ts';
export { buildCatalogue, lazyCatalogue, synthesizeQmpEvent } from './catalogue.ts';
export {
  loadCatalogueFile,
  loadCatalogueFromTree,
  loadCatalogueSource,
  loadCatalogueBySource,
  loadInstalledCatalogue,
  loadEmbeddedCatalogue,
  resolveCatalogues,
  builtinReleases,
  loadRelease,
  findRelease,
  catalogueVersion,
  makefileTraceSubdirs,
  mesonTraceSubdirs,
  CatalogueSourceError,
  INSTALLED_CATALOGUE,
  EMBEDDED_CATALOGUE,
  RELEASES_INDEX,
  RELEASES_PACK,
} from './sources.ts';
export type { Release } from './sources.ts';
export { diffCatalogues, formatCatalogueDiff, signature, argumentList } from './diff.ts';
