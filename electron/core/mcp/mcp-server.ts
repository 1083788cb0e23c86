import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { LIBRARY_STREAM } from '../../../shared/streams';
import type { QuireCore } from '../quire-core';
import { QUIRE_VERSION } from '../version';
import { askQuire } from './ask-quire';
import { readDocumentText } from './document-text';
import { registerIndexPathsTool } from './index-paths-tool';
import {
  AskOutputShape,
  askToolResult,
  documentLink,
  documentRow,
  DocumentRowSchema,
  DOCUMENT_URI_TEMPLATE,
  guarded,
  located,
  PassageSchema,
  toolError,
  type Passage,
} from './tool-results';

export type QuireMcpOptions = {
  /** Settings → Other apps (MCP): whether the `index_paths` tool exists. */
  allowIndexing: boolean;
};

/**
 * Quire's library as a Model Context Protocol server: search, cited answers, the document
 * list and each document's text. Nothing here indexes or changes the library unless the
 * user allowed indexing, and then only through `index_paths`.
 */
export function createQuireMcpServer(core: QuireCore, options: QuireMcpOptions): McpServer {
  const server = new McpServer(
    { name: 'quire', title: 'Quire', version: QUIRE_VERSION },
    {
      // The documents are resources, and the list changes as the library does.
      capabilities: { resources: { listChanged: true } },
      instructions:
        'Quire holds the user’s own documents. Use search for passages, ask for a cited answer, ' +
        'and read quire://document/<id> (optionally ?page=N) for a document’s text. ' +
        'Cite passages by title and page.',
    },
  );
  const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'search',
    {
      title: 'Search the documents',
      description:
        'Hybrid (semantic + keyword) search over the documents in Quire. Returns the best passages ' +
        'with their document title, page and a quire:// link to read more. `collection` (a name or ' +
        'id from list_collections) searches only that collection.',
      inputSchema: {
        query: z.string().trim().min(1).max(2000).describe('What to look for'),
        k: z.number().int().min(1).max(50).default(8).describe('How many passages'),
        collection: z
          .string()
          .optional()
          .describe('Only this collection (name or id, see list_collections); default everything'),
      },
      outputSchema: { passages: z.array(PassageSchema), note: z.string().nullable() },
      annotations: readOnly,
    },
    ({ query, k, collection }) =>
      guarded(async () => {
        // An unknown collection is a not_found tool error naming the ones there are.
        const scope = collection?.trim() ? core.collections.resolve(collection.trim()) : null;
        const settings = core.settings.get().retrieval;
        const result = await core.retriever.search(query, {
          k,
          rerank: settings.reranker,
          ...(scope ? { collections: [scope.id] } : {}),
        });
        const passages: Passage[] = result.hits.map((hit) => ({
          documentId: hit.docId,
          title: hit.title ?? 'Untitled document',
          page: hit.pageStart,
          pageEnd: hit.pageEnd,
          text: hit.text,
          link: documentLink(hit.docId, hit.pageStart),
        }));
        const note =
          result.degraded === 'no_vectors'
            ? 'Keyword search only: Quire has no embedding model or vectors yet.'
            : null;
        const found = passages.length
          ? passages.map((p, i) => `${i + 1}. ${located(p)}\n${p.text.trim()}`).join('\n\n')
          : scope
            ? `No passage in the collection "${scope.name}" matches.`
            : 'No passage matches. The library may be empty: list_documents shows what is indexed.';
        const text = note ? `${note}\n\n${found}` : found;
        return { content: [{ type: 'text', text }], structuredContent: { passages, note } };
      }),
  );

  server.registerTool(
    'ask',
    {
      title: 'Ask the documents',
      description:
        'Answers a question from the documents in Quire with numbered citations [n], using the ' +
        'language model set up in Quire. Each sentence is checked against the sources it cites ' +
        '(`checks`): treat a sentence that is not `supported` with care. Without a model, it ' +
        'returns the best passages instead and says so; when the documents do not cover the ' +
        'question, it returns the closest passages and writes nothing (mode `closest`).',
      inputSchema: { question: z.string().trim().min(1).max(20_000) },
      outputSchema: AskOutputShape,
      annotations: readOnly,
    },
    ({ question }, extra) =>
      guarded(async () => {
        // A client that asked for progress hears each step, so a slow local model does not
        // run into its request time-out.
        const progressToken = extra._meta?.progressToken;
        const onProgress =
          progressToken === undefined
            ? undefined
            : (progress: number, message: string) =>
                void extra
                  .sendNotification({
                    method: 'notifications/progress',
                    params: { progressToken, progress, message },
                  })
                  .catch(() => undefined);
        const { message, error } = await askQuire(core, question, extra.signal, onProgress);
        if (error && !message.text) return toolError(error.code, error.message);
        return askToolResult(message, error);
      }),
  );

  server.registerTool(
    'list_documents',
    {
      title: 'List the documents',
      description: 'Every document in Quire’s library with its status, pages and quire:// link.',
      outputSchema: { documents: z.array(DocumentRowSchema) },
      annotations: readOnly,
    },
    () =>
      guarded(async () => {
        const documents = core.library.documents().map(documentRow);
        const text = documents.length
          ? documents
              .map((d) => `${d.name} (${d.status}${d.pages ? `, ${d.pages} pages` : ''}) ${d.link}`)
              .join('\n')
          : 'The library is empty.';
        return { content: [{ type: 'text', text }], structuredContent: { documents } };
      }),
  );

  server.registerTool(
    'list_collections',
    {
      title: 'List the collections',
      description:
        'The user’s collections (named groups of documents) with how many documents each holds. ' +
        'Pass a name or id as `collection` to search to search only that collection.',
      outputSchema: {
        collections: z.array(
          z.object({ id: z.string(), name: z.string(), documentCount: z.number().int() }),
        ),
      },
      annotations: readOnly,
    },
    () =>
      guarded(async () => {
        const collections = core.collections
          .list()
          .map(({ id, name, documentCount }) => ({ id, name, documentCount }));
        const text = collections.length
          ? collections
              .map(
                (c) =>
                  `${c.name} (${c.documentCount} document${c.documentCount === 1 ? '' : 's'}, id ${c.id})`,
              )
              .join('\n')
          : 'There are no collections; every search covers the whole library.';
        return { content: [{ type: 'text', text }], structuredContent: { collections } };
      }),
  );

  if (options.allowIndexing) registerIndexPathsTool(server, core);

  server.registerResource(
    'document',
    new ResourceTemplate(DOCUMENT_URI_TEMPLATE, {
      list: () => ({
        resources: core.library
          .documents()
          .filter((doc) => doc.status === 'ready')
          .map((doc) => {
            const pages = doc.pages ? `, ${doc.pages} pages` : '';
            const names = (doc.collections ?? []).flatMap(
              (id) => core.collections.book.get(id)?.name ?? [],
            );
            const inCollections = names.length ? `, in ${names.join(', ')}` : '';
            return {
              uri: documentLink(doc.id),
              name: doc.name,
              mimeType: 'text/plain',
              description: `${doc.kind.toUpperCase()}${pages}${inCollections}: ${doc.path}`,
            };
          }),
      }),
    }),
    {
      title: 'A document in Quire',
      description: 'The extracted text of a document; add ?page=N for one page of a PDF.',
      mimeType: 'text/plain',
    },
    async (uri) => {
      // quire://document/<id>?page=N parses with host "document" and path "/<id>".
      const id = decodeURIComponent(uri.pathname.replace(/^\//, ''));
      const pageParam = uri.searchParams.get('page');
      const page = pageParam && /^\d+$/.test(pageParam) ? Number(pageParam) : null;
      const text = await readDocumentText(core.documentText, id, page);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text }] };
    },
  );

  const stopTelling = tellWhenTheListChanges(server, core);
  const closed = server.server.onclose;
  server.server.onclose = () => {
    stopTelling();
    closed?.();
  };
  return server;
}

/** Library events that change what resources/list returns (its documents or their collections). */
const LIST_EVENTS = new Set([
  'document.ready',
  'document.failed',
  'document.removed',
  'collection.changed',
  'collection.members',
  'collection.deleted',
]);
/** A folder of a thousand files is one notification, not a thousand. */
const LIST_CHANGED_DELAY_MS = 200;

/**
 * notifications/resources/list_changed whenever the library changes: in a writer core from its
 * own work, in a reader (quire mcp beside the app) from what its follower picks up.
 */
function tellWhenTheListChanges(server: McpServer, core: QuireCore): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = core.hub.onAnyEvent((event) => {
    if (event.stream !== LIBRARY_STREAM || !LIST_EVENTS.has(event.type) || timer) return;
    timer = setTimeout(() => {
      timer = null;
      // A client gone meanwhile is no error of the library's.
      if (server.isConnected()) server.server.sendResourceListChanged().catch(() => undefined);
    }, LIST_CHANGED_DELAY_MS);
    timer.unref?.();
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}
