// What Quire's MCP tools return: links, result shapes, and errors a calling model can read.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { DocumentInfo } from '../../../shared/documents';
import { QuireError } from '../../../shared/errors';

export const DOCUMENT_URI_TEMPLATE = 'quire://document/{id}';

/** `quire://document/<id>`, with `?page=N` when the passage is on a known page. */
export function documentLink(documentId: string, page: number | null = null): string {
  const base = `quire://document/${encodeURIComponent(documentId)}`;
  return page ? `${base}?page=${page}` : base;
}

export const PassageSchema = z.object({
  documentId: z.string(),
  title: z.string(),
  page: z.number().int().nullable(),
  pageEnd: z.number().int().nullable(),
  text: z.string(),
  link: z.string(),
});
export type Passage = z.infer<typeof PassageSchema>;

export const AskSourceSchema = PassageSchema.extend({ n: z.number().int() });

export const DocumentRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  kind: z.string(),
  status: z.string(),
  pages: z.number().int().nullable(),
  chunks: z.number().int(),
  link: z.string(),
  error: z.string().nullable(),
});

export function toolError(code: string, message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `${message} (${code})` }] };
}

/** Runs a tool body; a QuireError becomes a tool error the calling model can read. */
export async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof QuireError) return toolError(error.code, error.message);
    throw error;
  }
}

/** A library document as the tools list it. */
export function documentRow(doc: DocumentInfo): z.infer<typeof DocumentRowSchema> {
  return {
    id: doc.id,
    name: doc.name,
    path: doc.path,
    kind: doc.kind,
    status: doc.status,
    pages: doc.pages,
    chunks: doc.chunks,
    link: documentLink(doc.id),
    error: doc.error?.message ?? null,
  };
}
