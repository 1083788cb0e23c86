// What Quire's MCP tools return: links, result shapes, and errors a calling model can read.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  CheckLayerSchema,
  checksSummary,
  CoverageSchema,
  EvidenceSpanSchema,
  MissingItemSchema,
  VerdictSchema,
  type AnswerChecks,
} from '../../../shared/answer-checks';
import type { Message } from '../../../shared/contract/chat';
import type { DocumentInfo } from '../../../shared/documents';
import { QuireError, type QuireErrorShape } from '../../../shared/errors';
import { AnswerModeSchema, type Source } from '../../../shared/events';

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

/** One sentence of an answer, judged against the sources it cites. */
const AskCheckSchema = z.object({
  text: z.string().describe('The sentence as the answer wrote it, citation markers included'),
  verdict: VerdictSchema.describe(
    'supported: its sources back it; partly: some of it is not in them; unsupported: they do not back it; uncited: a factual sentence with no citation',
  ),
  citations: z.array(z.number().int().positive()),
  missing: z.array(MissingItemSchema).describe('What it states that its cited sources do not show'),
  evidence: z
    .array(EvidenceSpanSchema)
    .describe("Where source n backs it: character offsets in that source's whole passage"),
  note: z
    .string()
    .describe('Why, in plain words ("12 % is not in source 2"); empty when supported'),
});

const AskChecksSchema = z.object({
  sentences: z.array(AskCheckSchema),
  checked: z.number().int().nonnegative(),
  notBacked: z.number().int().nonnegative().describe('Sentences checked that are not supported'),
  layers: z.array(CheckLayerSchema),
  note: z.string().nullable().describe('What the checks could not do, when anything'),
});

/** What the `ask` tool returns, as its output schema declares it. */
export const AskOutputShape = {
  mode: AnswerModeSchema.describe(
    'answer: written from the sources; search: no language model, the best passages; closest: the documents do not cover the question, the nearest passages (nothing was written from them)',
  ),
  answer: z.string(),
  sources: z.array(AskSourceSchema),
  note: z.string().nullable(),
  checks: AskChecksSchema.nullable().describe(
    "The answer's sentences checked against their sources",
  ),
  coverage: CoverageSchema.nullable().describe('Whether the documents cover the question'),
};
type AskOutput = z.infer<z.ZodObject<typeof AskOutputShape>>;

export function located(p: Pick<Passage, 'title' | 'page' | 'link'>): string {
  return `${p.title}${p.page ? `, page ${p.page}` : ''} (${p.link})`;
}

function fromSource(source: Source): z.infer<typeof AskSourceSchema> {
  return {
    n: source.n,
    documentId: source.documentId,
    title: source.title,
    page: source.pageStart,
    pageEnd: source.pageEnd,
    text: source.snippet,
    link: documentLink(source.documentId, source.pageStart),
  };
}

function checksOf(text: string, checks: AnswerChecks): NonNullable<AskOutput['checks']> {
  return {
    sentences: checks.sentences.map((s) => ({
      text: text.slice(s.start, s.end),
      verdict: s.verdict,
      citations: s.citations,
      missing: s.missing,
      evidence: s.evidence,
      note: s.note,
    })),
    checked: checks.checked,
    notBacked: checks.notBacked,
    layers: checks.layers,
    note: checks.note,
  };
}

/** The checks in words for a calling model: the summary, then each sentence not backed and why. */
function checksText(checks: NonNullable<AskOutput['checks']>): string {
  const summary = checksSummary(checks);
  const lines = [
    summary
      ? `Checks: ${summary}:`
      : `Checks: all ${checks.checked} checked sentences are backed by their sources.`,
    ...checks.sentences
      .filter((s) => s.verdict !== 'supported')
      .map((s) => `- "${s.text.trim()}" ${s.verdict}${s.note ? `: ${s.note}` : ''}`),
    ...(checks.note ? [checks.note] : []),
  ];
  return lines.join('\n');
}

/** The `ask` tool's result for a finished answer (or one that stopped early with `error`). */
export function askToolResult(message: Message, error: QuireErrorShape | null): CallToolResult {
  const mode = message.mode ?? 'search';
  const passagesOnly = mode !== 'answer';
  const cited = new Set(message.citations);
  const sources = message.sources
    .filter((s) => passagesOnly || cited.size === 0 || cited.has(s.n))
    .map(fromSource);
  const note =
    mode === 'search'
      ? 'No language model is set up in Quire, so these are the best passages, not a written answer.'
      : mode === 'closest'
        ? message.text.trim() || "Your documents don't say."
        : error
          ? `The answer stopped early: ${error.message}`
          : null;
  const answer = passagesOnly ? '' : message.text;
  const checks = !passagesOnly && message.checks ? checksOf(message.text, message.checks) : null;
  const listed = sources.map((s) => `[${s.n}] ${located(s)}: ${s.text}`).join('\n');
  const text = [
    note,
    answer,
    checks && checks.checked > 0 ? checksText(checks) : null,
    sources.length ? `${mode === 'closest' ? 'Closest matches' : 'Sources'}:\n${listed}` : null,
  ]
    .filter(Boolean)
    .join('\n\n');
  const structured: AskOutput = {
    mode,
    answer,
    sources,
    note,
    checks,
    coverage: message.coverage ?? null,
  };
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

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
