// Documents pinned into a conversation: their pages go into every prompt ahead of the search's
// passages, as far as the context allows, and the step trail says how much made it in.
import type { Message } from '../../../shared/contract/chat';
import { QuireError } from '../../../shared/errors';
import type { Conversation, Source } from '../../../shared/events';
import { CONVERSATIONS_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import { principalOf, type Handlers } from '../rpc/dispatch';
import type { ChatDeps, ChatProvider } from './chat-types';
import { ownConversation, ownerKey } from './conversation-privacy';
import type { ConversationStore } from './conversation-store';
import { cutToFit, pagePassages, sourceCost } from './document-pages';
import type { MessageWriter } from './message-writer';
import { SYSTEM_PROMPT, type Passage } from './prompt';

/** Pinned pages may take this share of the new turn's room; the rest is for the search. */
const PINNED_SHARE = 0.6;
/** With pins, history replayed on follow-ups is held to this share of the room. */
export const PINNED_HISTORY_SHARE = 0.25;
const PROMPT_OVERHEAD = 24;

type PinnedDocument = {
  id: string;
  title: string;
  /** Page passages (PDF pages, or heading sections for documents without pages). */
  pages: number;
  paged: boolean;
  /** Its last included page had to be shortened. */
  partial: boolean;
};
export type Pinned = {
  passages: Passage[];
  documentIds: Set<string>;
  documents: PinnedDocument[];
  missing: number;
};

const NONE: Pinned = { passages: [], documentIds: new Set(), documents: [], missing: 0 };

/**
 * The pinned documents' pages, in order, each document's cut where the shared room runs out.
 * `room` is what the whole prompt may occupy.
 */
export async function pinnedPassages(
  deps: ChatDeps,
  question: Message,
  provider: ChatProvider,
  room: number,
): Promise<Pinned> {
  const ids = deps.store.getConversation(question.conversationId)?.pinnedDocumentIds ?? [];
  if (ids.length === 0 || !deps.documentText) return NONE;
  const count = (text: string) => provider.countTokens(text);
  const fixed = (await count(SYSTEM_PROMPT)) + (await count(question.text)) + PROMPT_OVERHEAD;
  let left = Math.floor((room - fixed) * PINNED_SHARE);
  const pinned: Pinned = { ...NONE, passages: [], documentIds: new Set(), documents: [] };
  for (const id of ids) {
    let pages: Passage[];
    try {
      pages = pagePassages(await deps.documentText(id));
    } catch {
      pinned.missing += 1; // removed from the library, or not indexed yet
      continue;
    }
    pinned.documentIds.add(id);
    const doc: PinnedDocument = {
      id,
      title: pages[0]?.title ?? 'Untitled document',
      pages: pages.length,
      paged: pages.some((p) => p.pageStart !== null),
      partial: false,
    };
    pinned.documents.push(doc);
    for (const page of pages) {
      const n = pinned.passages.length + 1;
      const cost = await sourceCost(n, page, count);
      if (cost <= left) {
        pinned.passages.push(page);
        left -= cost;
        continue;
      }
      // Part of a page is better than none when it is the first of its document.
      if (left > 40 && pinned.passages.every((p) => p.documentId !== id)) {
        const part = await cutToFit(page, left, count, n);
        if (part.text) pinned.passages.push(part);
        doc.partial = part.text.length > 0;
      }
      left = 0;
      break;
    }
  }
  return pinned;
}

/**
 * How much of a pinned document is in the prompt, in words a reader takes in at a glance:
 * "Only part of page 1 of “Manual.pdf” fits the model's context", never "0 of 2 pages and
 * part of one more". `included` are the document's sources in this prompt, in page order.
 */
export function pinnedLabel(
  doc: Pick<PinnedDocument, 'title' | 'pages' | 'paged' | 'partial'>,
  included: readonly Pick<Source, 'pageStart' | 'pageEnd'>[],
): string {
  const name = `“${doc.title}”`;
  if (included.length >= doc.pages && !doc.partial)
    return `Pinned ${name}: all of it is in the prompt`;
  if (included.length === 0) return `Pinned ${name} does not fit the model's context`;
  const whole = doc.partial ? included.slice(0, -1) : included;
  const cut = doc.partial ? included[included.length - 1]! : null;
  const fits = (subject: string, one: boolean) =>
    `Only ${subject} ${one ? 'fits' : 'fit'} the model's context`;
  if (doc.paged) {
    const first = whole[0]?.pageStart ?? null;
    const lastSource = whole[whole.length - 1];
    const last = lastSource?.pageEnd ?? lastSource?.pageStart ?? null;
    const pages =
      first === null
        ? null
        : last === null || last === first
          ? `page ${first}`
          : `pages ${first}–${last}`;
    const part = cut ? `part of page ${cut.pageStart ?? whole.length + 1}` : null;
    if (pages === null)
      return part
        ? fits(`${part} of ${name}`, true)
        : fits(`${whole.length} of the ${doc.pages} pages of ${name}`, whole.length === 1);
    if (part === null)
      return fits(`${pages} of ${name} (${doc.pages} pages)`, !pages.startsWith('pages'));
    return fits(`${pages} and ${part} of ${name}`, false);
  }
  const firstSections =
    whole.length === 1 ? `the first section` : `the first ${whole.length} sections`;
  if (cut === null)
    return fits(`${firstSections} of ${name} (${doc.pages} sections)`, whole.length === 1);
  if (whole.length === 0) return fits(`part of the first section of ${name}`, true);
  return fits(`${firstSections} and part of the next of ${name}`, false);
}

/** One step per pinned document, saying how much of it is in this prompt. */
export function reportPinned(writer: MessageWriter, pinned: Pinned, sources: readonly Source[]) {
  for (const doc of pinned.documents) {
    const included = sources.filter((s) => s.documentId === doc.id);
    const whole = included.length >= doc.pages && !doc.partial;
    writer.step(`pinned-${doc.id}`, 'done', pinnedLabel(doc, included), whole ? 'action' : 'check');
  }
  if (pinned.missing > 0)
    writer.step(
      'pinned-missing',
      'done',
      `${pinned.missing === 1 ? 'A pinned document is' : `${pinned.missing} pinned documents are`} no longer in the library`,
      'check',
    );
}

type PinHandlers = Pick<Handlers, 'conversations.pin' | 'conversations.unpin'>;

export function createPinHandlers(
  store: ConversationStore,
  hub: StreamHub,
  documentTitle: (documentId: string) => string | undefined,
  /** `owner`: the team-server user it is for (conversation-privacy.ts). */
  newConversation: (title: string, owner: string | undefined) => Conversation,
): PinHandlers {
  const update = (conversation: Conversation, pinnedDocumentIds: string[]) => {
    const { messageCount: _count, ...rest } = conversation;
    const updated = store.putConversation({ ...rest, pinnedDocumentIds, updatedAt: Date.now() });
    hub.emit(CONVERSATIONS_STREAM, 'conversation.updated', { conversation: updated });
    return updated;
  };
  return {
    'conversations.pin': ({ conversationId, documentId }, ctx) => {
      const owner = ownerKey(principalOf(ctx));
      const title = documentTitle(documentId);
      if (title === undefined)
        throw new QuireError('not_found', 'That document is not in the library.');
      const conversation = conversationId
        ? ownConversation(store, conversationId, owner)
        : newConversation(`About “${title}”`, owner);
      const pins = conversation.pinnedDocumentIds ?? [];
      return pins.includes(documentId) ? conversation : update(conversation, [...pins, documentId]);
    },
    'conversations.unpin': ({ conversationId, documentId }, ctx) => {
      const conversation = ownConversation(store, conversationId, ownerKey(principalOf(ctx)));
      const pins = conversation.pinnedDocumentIds ?? [];
      return update(
        conversation,
        pins.filter((id) => id !== documentId),
      );
    },
  };
}
