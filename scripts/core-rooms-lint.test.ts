import { ESLint } from 'eslint';
import path from 'node:path';
import { expect, it } from 'vitest';

const eslint = new ESLint({ cwd: path.resolve('.') });

async function lint(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(file) });
  return result!.messages.filter((m) => m.ruleId === 'quire/core-rooms').map((m) => m.message);
}

it('core rooms import only the rooms their allow-list names', async () => {
  expect(
    await lint(
      'electron/core/store/new-file.ts',
      "export { ChatService } from '../chat/chat-service';\n",
    ),
  ).toEqual([
    'electron/core/store may not import electron/core/chat; its allowed rooms are listed in eslint-rules/core-rooms.js.',
  ]);
  expect(
    await lint('electron/core/retrieval/new-file.ts', "export type { Store } from '../store';\n"),
  ).toEqual([]);
  // Tests may reach across rooms for their setup.
  expect(
    await lint(
      'electron/core/store/new.test.ts',
      "export { ChatService } from '../chat/chat-service';\n",
    ),
  ).toEqual([]);
});

it('reads a folder import as that folder’s room, not the root', async () => {
  expect(
    await lint('electron/core/mcp/new-file.ts', "export { openDocument } from '../parsers';\n"),
  ).toEqual([
    'electron/core/mcp may not import electron/core/parsers; its allowed rooms are listed in eslint-rules/core-rooms.js.',
  ]);
});

it('checks import() as it checks import', async () => {
  expect(
    await lint(
      'electron/core/store/new-file.ts',
      "export const load = () => import('../chat/chat-service');\n",
    ),
  ).toEqual([
    'electron/core/store may not import electron/core/chat; its allowed rooms are listed in eslint-rules/core-rooms.js.',
  ]);
});

it('ties npm packages to their room', async () => {
  expect(
    await lint(
      'electron/core/indexing/new-file.ts',
      "export { env } from '@huggingface/transformers';\n",
    ),
  ).toEqual([
    '@huggingface/transformers belongs to electron/core/embedding; electron/core/indexing reaches it through that room.',
  ]);
  expect(
    await lint(
      'electron/core/retrieval/new-file.ts',
      "export { connect } from '@lancedb/lancedb';\n",
    ),
  ).toHaveLength(1);
  expect(
    await lint(
      'electron/core/library/new-file.ts',
      "export { createWorker } from 'tesseract.js';\n",
    ),
  ).toHaveLength(1);
  expect(
    await lint('electron/core/store/new-file.ts', "export { connect } from '@lancedb/lancedb';\n"),
  ).toEqual([]);
});

it('does not let a room reach past another room’s index.ts', async () => {
  expect(
    await lint(
      'electron/core/retrieval/new-file.ts',
      "export { guard } from '../store/store-errors';\n",
    ),
  ).toEqual([
    "electron/core/store has an index.ts: import it from '../store', not a file inside it.",
  ]);
  expect(
    await lint('electron/core/retrieval/new-file.ts', "export { guard } from '../store';\n"),
  ).toEqual([]);
  // A room without an index.ts is imported file by file.
  expect(
    await lint('electron/core/chat/new-file.ts', "export { search } from '../retrieval/search';\n"),
  ).toEqual([]);
});
