// Public entry point of the simpletrace decoder (docs/qemu-trace-formats.md §2).
export { SimpletraceDecoder } from './simpletrace-decoder.ts';
export type { SimpletraceOptions, SimpletraceSummary } from './simpletrace-decoder.ts';
export { sniffSimpletrace, simpletraceHeaderProblem, MAX_RECORD_LENGTH, MAX_MAPPING_NAME } from './simpletrace-header.ts';
export type { SimpletraceSniff } from './simpletrace-header.ts';
export { argCode, planFor, decodeString } from './simpletrace-args.ts';
export type { DecodePlan } from './simpletrace-args.ts';
