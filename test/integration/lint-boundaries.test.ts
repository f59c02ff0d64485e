// The import-boundary lint (eslint.config.js, run by `npm test`) refuses an import that points up
// the layers of docs/ARCHITECTURE.md §3, and lets the allowed ones through: snippets linted as if
// they were files of each layer, against the real tree they import from.
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import { REPO } from '../helpers/paths.ts';

let eslint: ESLint;

/** The rule ids of the errors `code` gets as the file at `file` (relative to the repo). */
async function errors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return r.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: REPO });
});

describe('import boundaries', () => {
  it('refuses an upward import: formats/ and report/ reaching into service/', async () => {
    const up = `import { EngineService } from '../service/api.ts';\nexport const s = EngineService;\n`;
    const formats = await errors('src-main/formats/up.ts', up);
    expect(formats).toHaveLength(1);
    expect(formats[0]).toMatch(/^import-x\/no-restricted-paths: .*formats\/ may import only catalogue/);
    expect(await errors('src-main/report/up.ts', up)).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*report\/ may import only/)]);
    // Type-only counts too: a layer's types are part of what it depends on.
    expect(await errors('src-main/workspace/up.ts', `import type { ReportContext } from '../report/export.ts';\nexport type R = ReportContext;\n`)).toHaveLength(1);
  });

  it('refuses a host reaching past service/, statically or with a dynamic import', async () => {
    expect(await errors('src-main/hosts/cli/x.ts', `import { ingest } from '../../ingest/ingest.ts';\nexport const i = ingest;\n`)).toHaveLength(1);
    expect(await errors('src-main/hosts/server/x.ts', `export const q = () => import('../../workspace/query.ts');\n`)).toHaveLength(1);
  });

  it('keeps the renderer to the contract, type-only', async () => {
    const engine = await errors('src-renderer/x.ts', `import type { EngineService } from '../src-main/service/api.ts';\nexport type S = EngineService;\n`);
    expect(engine).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*the renderer may import only src-main\/contract\.ts/)]);
    const value = await errors('src-renderer/x.ts', `import { EngineMethods } from '../src-main/contract.ts';\nexport const m = EngineMethods;\n`);
    expect(value).toEqual([expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*type-only/)]);
  });

  it('lets the allowed imports through', async () => {
    expect(await errors('src-main/report/ok.ts', `import { chartData } from '../results/chart-data.ts';\nimport { ANALYSES } from '../analyses/catalog.ts';\nexport const c = [chartData, ANALYSES];\n`)).toEqual([]);
    expect(await errors('src-main/hosts/cli/ok.ts', `import { EngineService } from '../../service/api.ts';\nimport type { TraceInfo } from '../../contract.ts';\nexport const s: EngineService | TraceInfo | null = null;\n`)).toEqual([]);
    expect(await errors('src-renderer/app/ok.ts', `import type { EngineMethods } from '../../src-main/contract.ts';\nexport type M = EngineMethods;\n`)).toEqual([]);
    expect(await errors('src-main/service/ok.ts', `import { WorkspaceEngine } from './workspace-engine.ts';\nimport { ingest } from '../ingest/ingest.ts';\nexport const e = [WorkspaceEngine, ingest];\n`)).toEqual([]);
  });

  it('refuses an import it cannot resolve (it would slip past the zones)', async () => {
    expect(await errors('src-main/report/x.ts', `import { gone } from '../service/gone.ts';\nexport const g = gone;\n`)).toEqual([expect.stringMatching(/^import-x\/no-unresolved:/)]);
  });
});
