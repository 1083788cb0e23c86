/** One key factory per domain, so invalidation on push events is exact. */
export const queryKeys = {
  app: { info: () => ['app', 'info'] as const },
  library: {
    all: () => ['library'] as const,
    snapshot: () => ['library', 'snapshot'] as const,
  },
  conversations: {
    all: () => ['conversations'] as const,
    stream: () => ['conversations', 'stream'] as const,
  },
};
