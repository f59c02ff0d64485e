// Worker entry when the engine runs from TypeScript sources (a checkout, the tests): loads the
// parse worker through tsx, whatever loader the parent thread used.
import { tsImport } from 'tsx/esm/api';

await tsImport('./parse-worker.ts', import.meta.url);
