// Layering: shared <- core <- main, shared <- preload, shared <- renderer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import coreRooms from './eslint-rules/core-rooms.js';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'worker_threads',
  'stream',
  'url',
  'events',
  'util',
  'zlib',
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'quire-data/**',
      '.test-models/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-d.ts'],
    plugins: { quire: coreRooms },
    rules: { 'quire/core-rooms': 'error' },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'electron/core runs under plain Node: never import electron here.',
            },
          ],
          patterns: [
            { group: ['electron/*'], message: 'electron/core never imports electron.' },
            {
              group: ['**/electron/main/**', '../../main/**', '../main/**', '**/preload/**'],
              message: 'core must not import main or preload.',
            },
            { group: ['**/renderer/**'], message: 'core must not import the renderer.' },
          ],
        },
      ],
    },
  },
  {
    // Main wires the core together through its front door only (as VS Code's layers do).
    files: ['electron/main/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../core/*', '**/electron/core/*'],
              message: 'electron/main imports the core only through electron/core/index.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Bare builtin names go in `paths` (exact match), so shared/events is not mistaken for 'events'.
          paths: [
            { name: 'electron', message: 'The renderer talks only to the typed transport.' },
            ...nodeBuiltins
              .filter((n) => !n.includes('*'))
              .map((name) => ({ name, message: 'renderer/ cannot use Node modules.' })),
          ],
          patterns: [
            { group: ['**/electron/**', 'electron/*'], message: 'renderer/ imports only shared/.' },
            { group: ['node:*'], message: 'renderer/ cannot use Node modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'shared/ is pure TypeScript.' },
            ...nodeBuiltins
              .filter((n) => !n.includes('*'))
              .map((name) => ({ name, message: 'shared/ imports no Node module.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'shared/ imports no node: module.' },
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'shared/ imports nothing from other layers.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'localStorage',
        'process',
        'Buffer',
        'require',
      ],
    },
  },
);
