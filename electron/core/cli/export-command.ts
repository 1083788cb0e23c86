import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportConversation } from '../chat/conversation-export';
import { ConversationStore } from '../chat/conversation-store';
import { resolveDataDir, SHARED_OPTIONS } from './cli-context';
import { findRunningQuire } from './running-quire';

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
  const dataDir = resolveDataDir(values.data);
  const markdown =
    (await exportThrough(dataDir, conversationId)) ?? exportHere(dataDir, conversationId);
  if (markdown === null) {
    process.stderr.write(`There is no conversation "${conversationId}".\n`);
    return 1;
  }
  if (values.out) {
    await fs.writeFile(path.resolve(values.out), markdown);
    process.stderr.write(`Wrote ${path.resolve(values.out)}\n`);
  } else process.stdout.write(markdown);
  return 0;
}

/**
 * The Quire serving the folder exports it, when there is one: an answer it is writing right now
 * comes out as it stands (the journal has it only at each checkpoint), with pinned documents'
 * names. Undefined when no Quire answers (then the journal is read here); null: no such
 * conversation.
 */
async function exportThrough(
  dataDir: string,
  conversationId: string,
): Promise<string | null | undefined> {
  const running = await findRunningQuire(dataDir);
  if (!running) return undefined;
  const exported = await running.invoke('conversations.export', { conversationId });
  if (exported.ok) return exported.value.markdown;
  return exported.error.code === 'not_found' ? null : undefined;
}

/** Only the conversations are needed (no index, models or workers), read beside a running app. */
function exportHere(dataDir: string, conversationId: string): string | null {
  const store = new ConversationStore(dataDir, { readOnly: true });
  try {
    const conversation = store.getConversation(conversationId);
    if (!conversation) return null;
    return exportConversation(conversation, store.listMessages(conversationId)).markdown;
  } finally {
    store.close();
  }
}
