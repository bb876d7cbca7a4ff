// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

/** The layer rules of docs/architecture.md, as lint: a violation fails `npm test`, not a review. */
const restrict = (message, patterns, paths = []) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }], paths: paths.map((name) => ({ name, message })) }],
});

const electronOnlyInShell = ['electron', 'electron/*'];

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', '.test-results/**', 'test-results/**', 'coverage/**', '.scratch*/**', 'docs/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='sandbox'][value.value=false]", message: 'Every window is sandboxed (docs/electron-security.md).' },
        {
          selector: "Property[key.name='nodeIntegration'][value.value=true]",
          message: 'nodeIntegration stays off (docs/electron-security.md).',
        },
        {
          selector: "Property[key.name='contextIsolation'][value.value=false]",
          message: 'contextIsolation stays on (docs/electron-security.md).',
        },
        { selector: "Property[key.name='webviewTag'][value.value=true]", message: 'No <webview> (docs/electron-security.md).' },
        { selector: "Property[key.name='webSecurity'][value.value=false]", message: 'webSecurity stays on (docs/electron-security.md).' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', 'scripts/**', 'bin/**'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: restrict(
      'src/shared runs everywhere: no Node, DOM, Electron or main/renderer imports.',
      ['node:*', ...electronOnlyInShell, 'react', 'react-dom', '**/main/**', '**/renderer/**', '**/preload/**'],
      NODE_BUILTINS,
    ),
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: restrict('The core runs in plain Node: it never imports Electron or the renderer.', [
      ...electronOnlyInShell,
      '**/renderer/**',
      '**/preload/**',
      '**/shell/**',
      'react',
      'react-dom',
    ]),
  },
  {
    files: [
      'src/main/host/**/*.ts',
      'src/main/demo/**/*.ts',
      'src/cli/**/*.ts',
      'src/sim/**/*.ts',
      'test/integration/**/*.ts',
      'test/support/**/*.ts',
      'test/conformance/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: restrict('Only src/main/shell and src/main/index.ts import Electron.', [...electronOnlyInShell, '**/renderer/**']),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(
        'The renderer talks to the core only through the typed api client.',
        ['node:*', ...electronOnlyInShell, '**/main/**', '**/preload/**', '**/cli/**', '**/sim/**'],
        NODE_BUILTINS,
      ),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrict(
      'The preload only bridges the contract.',
      ['node:*', '**/main/**', '**/renderer/**'],
      NODE_BUILTINS.filter((m) => m !== 'events'),
    ),
  },
);
