// Layering inside electron/core, as an allow-list: each room names the rooms it may import.
// A new arrow between rooms is a design decision, so it is added here on purpose.
import fs from 'node:fs';
import path from 'node:path';

/** Room -> rooms it may import. `(root)` is electron/core's own files (the wiring, paths). */
export const CORE_ROOMS = {
  '(root)': ['*'],
  chat: [
    'checking',
    'embedding',
    'indexing',
    'journal',
    'language',
    'library',
    'retrieval',
    'rpc',
    'store',
    'streams',
  ],
  // Answer checks: words and numbers, and the NLI model run in the indexing workers.
  checking: ['embedding', 'language', 'store'],
  // `quire check` judges sentences outside any conversation, with the library's word statistics.
  cli: [
    '(root)',
    'chat',
    'checking',
    'downloads',
    'language',
    'library',
    'mcp',
    'parsers',
    'retrieval',
    'server',
    'settings',
  ],
  downloads: ['embedding', 'rpc', 'streams'],
  embedding: [],
  indexing: ['(root)', 'checking', 'embedding', 'language', 'parsers', 'retrieval'],
  // The append-only file that the library's registry and the conversations both keep.
  journal: [],
  language: [],
  library: ['(root)', 'indexing', 'journal', 'parsers', 'rpc', 'store', 'streams'],
  // Resources are read as whole-document answers read a document: its stored pages.
  mcp: ['(root)', 'chat', 'library'],
  // A library in an S3-compatible bucket: its address, small objects, bucket check and lease.
  'object-store': [],
  parsers: [],
  providers: ['secrets'],
  retrieval: ['embedding', 'language', 'store'],
  rpc: [],
  secrets: [],
  server: ['rpc', 'streams'],
  settings: ['(root)', 'providers', 'rpc', 'secrets'],
  store: ['language', 'object-store'],
  // The stream hub: sequence ids, replay, snapshots and cleanup for every pushed event.
  streams: ['rpc'],
};

/**
 * npm packages that belong to one room, as Signal's file-suffix rule ties modules to layers:
 * the store alone talks to LanceDB, the embedding room alone loads transformers.js.
 */
export const PACKAGE_ROOMS = {
  '@lancedb/lancedb': ['store'],
  '@huggingface/transformers': ['embedding'],
  'tesseract.js': ['parsers'],
  '@aws-sdk/client-s3': ['object-store'],
  '@azure/storage-blob': ['object-store'],
};

const CORE = path.join('electron', 'core');

/** The room a path is in; a folder import ('../parsers') is that folder's room, not the root. */
function roomOf(file, root) {
  const rel = path.relative(path.join(root, CORE), file);
  if (rel.startsWith('..') || path.isAbsolute(rel) || rel === '')
    return rel === '' ? '(root)' : null;
  const parts = rel.split(path.sep);
  if (parts.length > 1) return parts[0];
  const asFolder = path.join(root, CORE, parts[0]);
  return fs.existsSync(asFolder) && fs.statSync(asFolder).isDirectory() ? parts[0] : '(root)';
}

/** True when an import reaches past a room's index.ts to a file inside it. */
function passesIndex(target, resolved, root) {
  if (target === '(root)') return false;
  const folder = path.join(root, CORE, target);
  if (!fs.existsSync(path.join(folder, 'index.ts'))) return false;
  const rel = path.relative(folder, resolved).replace(/\.(ts|js)$/, '');
  return rel !== '' && rel !== 'index';
}

function packageOf(source) {
  return Object.keys(PACKAGE_ROOMS).find(
    (name) => source === name || source.startsWith(`${name}/`),
  );
}

export default {
  rules: {
    'core-rooms': {
      meta: {
        type: 'problem',
        docs: { description: 'electron/core rooms import only the rooms their allow-list names' },
        schema: [],
      },
      create(context) {
        const file = context.filename;
        const root = context.cwd;
        const own = roomOf(file, root);
        if (own === null) return {};
        const allowed = CORE_ROOMS[own];
        const check = (node, source) => {
          if (typeof source !== 'string') return;
          if (!source.startsWith('.')) {
            const name = packageOf(source);
            if (name && !PACKAGE_ROOMS[name].includes(own))
              context.report({
                node,
                message: `${name} belongs to electron/core/${PACKAGE_ROOMS[name].join(', ')}; electron/core/${own} reaches it through that room.`,
              });
            return;
          }
          const resolved = path.resolve(path.dirname(file), source);
          const target = roomOf(resolved, root);
          if (target === null || target === own) return;
          if (!allowed) {
            context.report({
              node,
              message: `electron/core/${own} is not in the room list (eslint-rules/core-rooms.js).`,
            });
            return;
          }
          if (!allowed.includes('*') && !allowed.includes(target)) {
            context.report({
              node,
              message: `electron/core/${own} may not import ${target === '(root)' ? 'electron/core' : `electron/core/${target}`}; its allowed rooms are listed in eslint-rules/core-rooms.js.`,
            });
            return;
          }
          if (passesIndex(target, resolved, root))
            context.report({
              node,
              message: `electron/core/${target} has an index.ts: import it from '${path
                .relative(path.dirname(file), path.join(root, CORE, target))
                .split(path.sep)
                .join('/')}', not a file inside it.`,
            });
        };
        const fromSource = (node) => check(node, node.source?.value);
        return {
          ImportDeclaration: fromSource,
          ExportNamedDeclaration: fromSource,
          ExportAllDeclaration: fromSource,
          // import('…') with a literal path is an arrow like any other.
          ImportExpression: (node) =>
            node.source.type === 'Literal' ? check(node, node.source.value) : undefined,
        };
      },
    },
  },
};
