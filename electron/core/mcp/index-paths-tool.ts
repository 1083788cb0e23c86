import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { QuireCore } from '../quire-core';
import { documentRow, DocumentRowSchema, guarded } from './tool-results';

/** Only when the user allowed it in Settings: adds files and folders and waits for them. */
export function registerIndexPathsTool(server: McpServer, core: QuireCore) {
  server.registerTool(
    'index_paths',
    {
      title: 'Add documents to Quire',
      description:
        'Adds files and folders (absolute paths, folders recursively) to Quire’s library and waits ' +
        'until each is indexed or has failed. Allowed by the user in Quire’s Settings.',
      inputSchema: {
        paths: z
          .array(
            z
              .string()
              .min(1)
              .max(4096)
              .refine((p) => path.isAbsolute(p), 'Use an absolute path'),
          )
          .min(1)
          .max(100),
      },
      outputSchema: {
        documents: z.array(DocumentRowSchema),
        unchanged: z.array(z.string()),
        skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    ({ paths }) =>
      guarded(async () => {
        const added = await core.library.add(paths);
        // Each document that gets ready tells clients the resource list changed (mcp-server).
        await core.library.whenIdle();
        const documents = added.added.map((first) =>
          documentRow(core.library.registry.get(first.id) ?? first),
        );
        const skipped = added.skipped.map((s) => ({ path: s.path, reason: s.reason }));
        const text = [
          ...documents.map((d) => `${d.name}: ${d.status}${d.error ? ` (${d.error})` : ''}`),
          ...added.unchanged.map((p) => `${p}: already indexed`),
          ...skipped.map((s) => `${s.path}: skipped (${s.reason})`),
        ].join('\n');
        return {
          content: [{ type: 'text', text: text || 'Nothing to add.' }],
          structuredContent: { documents, unchanged: added.unchanged, skipped },
        };
      }),
  );
}
