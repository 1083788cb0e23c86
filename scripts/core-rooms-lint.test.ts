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
    await lint(
      'electron/core/retrieval/new-file.ts',
      "export type { Passage } from '../store/store';\n",
    ),
  ).toEqual([]);
  // Tests may reach across rooms for their setup.
  expect(
    await lint(
      'electron/core/store/new.test.ts',
      "export { ChatService } from '../chat/chat-service';\n",
    ),
  ).toEqual([]);
});
