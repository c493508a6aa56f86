// ESLint flat config: typescript-eslint recommended rules for host, webview, sandbox and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '.exalate-dev/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Render text with textContent, never innerHTML.' },
      ],
    },
  },
  {
    // Rooms: shared, sandbox and webview code must not import `vscode`; only webview/ may use the toolkit.
    files: ['src/shared/**/*.ts', 'src/sandbox/**/*.ts', 'webview/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'] }] },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@vscode/webview-ui-toolkit*'], message: 'The webview toolkit belongs in webview/ only.' }] },
      ],
    },
  },
  {
    // Must come after the src/** block above (flat config: the last matching block sets the rule). These are the
    // rooms docs/architecture.md calls vscode-free: shared, sandbox, the client, and the pure capability modules.
    files: [
      'src/shared/**/*.ts',
      'src/sandbox/**/*.ts',
      'src/exalate/**/*.ts',
      'src/connections/model.ts',
      'src/nodes/urls.ts',
      'src/sync/model.ts',
      'src/syncRules/uri.ts',
      'src/syncRules/layout.ts',
      'src/nodes/settings.ts',
      'src/nodes/bootstrap.ts',
      'src/wizard/machine.ts',
      'src/ado/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['vscode'], patterns: [{ group: ['@vscode/webview-ui-toolkit*'], message: 'The webview toolkit belongs in webview/ only.' }] },
      ],
    },
  },
  {
    // The Groovy front end also runs in a browser: no `vscode`, no Node built-ins.
    files: ['src/groovy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['vscode'], patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'util', 'events', 'stream', 'buffer', 'url', 'http', 'https', 'net', 'zlib'], message: 'src/groovy must run in a browser: no Node built-ins.' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
