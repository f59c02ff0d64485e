// The layers of docs/ARCHITECTURE.md §3 as lint rules, so that an import pointing up (report/
// reaching into service/, a host into ingest/, the renderer into the engine) fails `npm test`.
// Paths are resolved files, not import strings: depth and spelling of '../' do not matter.
// Deliberately little else: the type checker and the tests carry correctness; this guards shape.
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const M = './src-main';

/** Every folder and root file of the engine, bottom first. */
const ENGINE = {
  catalogue: `${M}/catalogue`,
  formats: `${M}/formats`,
  workspace: `${M}/workspace`,
  ingest: `${M}/ingest`,
  analyses: `${M}/analyses`,
  results: `${M}/results`,
  report: `${M}/report`,
  service: `${M}/service`,
  hosts: `${M}/hosts`,
  contract: `${M}/contract.ts`,
  packageRoot: `${M}/package-root.ts`,
};

/**
 * What each layer may import of the engine (beyond npm packages and Node built-ins). Anything of
 * the engine not listed is refused. package-root.ts (where the installed package lives) is a
 * leaf any layer may use.
 */
const MAY_IMPORT = {
  catalogue: ['packageRoot'],
  formats: ['catalogue', 'packageRoot'],
  workspace: ['catalogue', 'formats', 'contract', 'packageRoot'],
  ingest: ['workspace', 'formats', 'catalogue', 'contract', 'packageRoot'],
  analyses: ['workspace', 'contract', 'packageRoot'],
  results: ['workspace', 'contract', 'packageRoot'],
  report: ['results', 'analyses', 'workspace', 'contract', 'packageRoot'],
  service: ['ingest', 'workspace', 'analyses', 'results', 'report', 'formats', 'catalogue', 'contract', 'packageRoot'],
  hosts: ['service', 'contract', 'packageRoot'],
  contract: [],
  packageRoot: [],
};

const zones = Object.entries(MAY_IMPORT).map(([layer, allowed]) => ({
  target: ENGINE[layer],
  from: Object.entries(ENGINE)
    .filter(([name]) => name !== layer && !allowed.includes(name))
    .map(([, p]) => p),
  message: `${layer === 'contract' || layer === 'packageRoot' ? 'this file' : `${layer}/`} may import only ${allowed.length ? allowed.join(', ') : 'nothing of the engine'} (docs/ARCHITECTURE.md §3)`,
}));

// The renderer runs in a browser page: of the engine it sees only the contract's types.
zones.push({
  target: './src-renderer',
  from: M,
  except: ['./contract.ts'],
  message: 'the renderer may import only src-main/contract.ts, type-only (docs/ARCHITECTURE.md §3)',
});

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', 'dist/**', 'out/**', 'release/**', '.scratch/**', 'test/**', 'tools/**', '**/*.config.ts', '**/*.config.js'],
  },
  {
    files: ['src-main/**/*.{ts,mjs}', 'src-renderer/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX, '@typescript-eslint': tseslint.plugin },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js'] })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }],
      // An import that does not resolve would slip past the zones above.
      // (monaco-codicons/ is an alias of src-renderer/vite.config.ts.)
      'import-x/no-unresolved': ['error', { ignore: ['^virtual:', '\\?(raw|url|worker)$', '^monaco-codicons/'] }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src-renderer/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: 'src-main/contract\\.ts$', allowTypeImports: true, message: 'the renderer imports the contract type-only (import type)' },
          ],
        },
      ],
    },
  },
);
