import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportConversation } from '../chat/conversation-export';
import { ConversationStore } from '../chat/conversation-store';
import { resolveDataDir, SHARED_OPTIONS } from './cli-context';

export const EXPORT_HELP = `quire export <conversationId> [--out FILE] [--data DIR]
  Writes a conversation as Markdown (stdout by default), each citation a footnote with the
  document, page and quoted passage. The id is printed at the end of every ask.`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...SHARED_OPTIONS, out: { type: 'string', short: 'o' } },
    allowPositionals: true,
    strict: true,
  });
  const [conversationId] = positionals;
  if (!conversationId || positionals.length > 1) {
    process.stderr.write('Give one conversation id, e.g. quire export c0abc123 --out answer.md\n');
    return 2;
  }
  // Only the conversations are needed (no index, models or workers), read beside a running app.
  const store = new ConversationStore(resolveDataDir(values.data), { readOnly: true });
  try {
    const conversation = store.getConversation(conversationId);
    if (!conversation) {
      process.stderr.write(`There is no conversation "${conversationId}".\n`);
      return 1;
    }
    const { markdown } = exportConversation(conversation, store.listMessages(conversationId));
    if (values.out) {
      await fs.writeFile(path.resolve(values.out), markdown);
      process.stderr.write(`Wrote ${path.resolve(values.out)}\n`);
    } else process.stdout.write(markdown);
    return 0;
  } finally {
    store.close();
  }
}
