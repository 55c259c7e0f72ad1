// Lint: typescript-eslint's type-checked rules, plus the import boundaries of the architecture.
// `npm run lint` runs it; CI runs it before the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What a pure module must not import: anything doing I/O, and the libraries that do. */
const IO_MODULES = {
  paths: [
    { name: 'prom-client', message: 'issues/ derive, export/ registers: no prom-client here.' },
    { name: '@kubernetes/client-node', message: 'issues/ is pure: it reads ClusterState, never the API.' },
    { name: 'axios', message: 'issues/ is pure: no HTTP.' },
    { name: 'express', message: 'issues/ is pure: no HTTP.' },
  ],
  patterns: [
    { group: ['node:*', 'fs', 'net', 'http', 'https', 'child_process'], message: 'issues/ is pure: no I/O.', allowTypeImports: true },
    {
      group: ['**/kube/client*', '**/kube/informer*', '**/kube/list*', '**/kube/cluster-watch*', '**/scrape/fetch*', '**/scrape/scraper*', '**/probes/*', '**/serve/*', '**/server*', '**/export/metrics*'],
      message: 'issues/ is pure: collect (kube/, scrape/, probes/) and export (export/metrics) call it, not the other way round.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/node_modules/**', 'coverage/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-unreachable': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The exporter never imports the lab (a separate package, not in the image).
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['ambient-lab', 'ambient-lab/*', '**/lab/**'], message: 'The exporter never imports the lab.' }] },
      ],
    },
  },
  {
    files: ['src/issues/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', IO_MODULES] },
  },
  {
    // Tests, benchmarks and generators: chai's expect(...).to.be.true and friends are expressions,
    // and fixtures are loose JSON.
    files: ['test/**/*.ts', 'lab/test/**/*.ts', 'netlab/test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'dashboards/**/*.ts'],
    rules: {
      // async generators stand in for response streams; fixtures are loose JSON
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
