export { ANALYSES, type AnalysisInfo } from './catalog.ts';
export { installAnalyses, renderAnalyses } from './install.ts';
export { renderTemplate } from './template.ts';
