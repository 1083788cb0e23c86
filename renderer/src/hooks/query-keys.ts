/** One key factory per domain, so invalidation on push events is exact. */
export const queryKeys = {
  app: { info: () => ['app', 'info'] as const },
  library: {
    all: () => ['library'] as const,
    snapshot: () => ['library', 'snapshot'] as const,
    pages: () => ['library', 'page'] as const,
    page: (filter: string, search: string, collection: string | null, page: number) =>
      ['library', 'page', filter, search, collection, page] as const,
  },
  documents: {
    all: () => ['documents'] as const,
    content: (documentId: string) => ['documents', 'content', documentId] as const,
  },
  conversations: {
    all: () => ['conversations'] as const,
    list: () => ['conversations', 'list'] as const,
    detail: (conversationId: string) => ['conversations', 'detail', conversationId] as const,
  },
  chat: {
    all: () => ['chat'] as const,
    /** The live state of one streaming (or just streamed) assistant message. */
    live: (messageId: string) => ['chat', 'live', messageId] as const,
    /** What the next new chat will search, until its first question creates it. */
    newScope: () => ['chat', 'new-scope'] as const,
  },
  models: {
    all: () => ['models'] as const,
    status: () => ['models', 'status'] as const,
    catalog: () => ['models', 'catalog'] as const,
    embeddingCatalog: () => ['models', 'embedding-catalog'] as const,
  },
  settings: {
    all: () => ['settings'] as const,
    current: () => ['settings', 'current'] as const,
  },
};
