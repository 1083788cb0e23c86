// Layering inside electron/core, as an allow-list: each room names the rooms it may import.
// A new arrow between rooms is a design decision, so it is added here on purpose.
import path from 'node:path';

/** Room -> rooms it may import. `(root)` is electron/core's own files (the wiring, paths). */
export const CORE_ROOMS = {
  '(root)': ['*'],
  chat: [
    'checking',
    'embedding',
    'events',
    'indexing',
    'language',
    'library',
    'retrieval',
    'rpc',
    'store',
  ],
  // Answer checks: words and numbers, and the NLI model run in the indexing workers.
  checking: ['embedding', 'language', 'store'],
  // `quire check` judges sentences outside any conversation, with the library's word statistics.
  cli: [
    '(root)',
    'chat',
    'checking',
    'language',
    'library',
    'mcp',
    'models',
    'parsers',
    'retrieval',
    'server',
    'settings',
  ],
  embedding: [],
  events: ['rpc'],
  indexing: ['(root)', 'checking', 'embedding', 'language', 'parsers', 'retrieval'],
  language: [],
  library: ['(root)', 'events', 'indexing', 'parsers', 'rpc', 'store'],
  mcp: ['(root)', 'library'],
  models: ['embedding', 'events', 'rpc'],
  parsers: [],
  providers: ['secrets'],
  retrieval: ['embedding', 'language', 'store'],
  rpc: ['events'],
  secrets: [],
  server: ['events', 'rpc'],
  settings: ['(root)', 'providers', 'rpc', 'secrets'],
  store: ['language'],
};

const CORE = path.join('electron', 'core');

function roomOf(file, root) {
  const rel = path.relative(path.join(root, CORE), file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : '(root)';
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
        const check = (node) => {
          const source = node.source?.value;
          if (typeof source !== 'string' || !source.startsWith('.')) return;
          const target = roomOf(path.resolve(path.dirname(file), source), root);
          if (target === null || target === own) return;
          if (!allowed) {
            context.report({
              node,
              message: `electron/core/${own} is not in the room list (eslint-rules/core-rooms.js).`,
            });
            return;
          }
          if (allowed.includes('*') || allowed.includes(target)) return;
          context.report({
            node,
            message: `electron/core/${own} may not import ${target === '(root)' ? 'electron/core' : `electron/core/${target}`}; its allowed rooms are listed in eslint-rules/core-rooms.js.`,
          });
        };
        return {
          ImportDeclaration: check,
          ExportNamedDeclaration: check,
          ExportAllDeclaration: check,
        };
      },
    },
  },
};
