// One chat message as stored and sent: its own module, so the contract and the stream kinds
// both read it without importing each other.
import { z } from 'zod';
import { AnswerChecksSchema, CoverageSchema } from './answer-checks';
import { ErrorCodeSchema } from './errors';
import { UsageSchema } from './generation';
import { AnswerModeSchema, FinishReasonSchema, SourceSchema } from './events';

export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  /** streaming while generating; interrupted when the app died mid-answer. */
  status: z.enum(['complete', 'streaming', 'cancelled', 'error', 'interrupted']),
  mode: AnswerModeSchema.nullable(),
  sources: z.array(SourceSchema),
  /** Source numbers the answer actually cites, each one a source given to the model. */
  citations: z.array(z.number().int().positive()),
  finishReason: FinishReasonSchema.nullable(),
  error: z
    .object({ code: ErrorCodeSchema, message: z.string(), retryable: z.boolean() })
    .nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  usage: UsageSchema.nullable(),
  timings: z.object({ firstTokenMs: z.number().nullable(), totalMs: z.number() }).nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** A question about this whole document, answered from all its pages instead of a search. */
  documentId: z.string().optional(),
  /** The verdicts on the answer's sentences (absent on answers written before checks existed). */
  checks: AnswerChecksSchema.nullable().optional(),
  /** Whether the library covered the question, as decided before anything was written. */
  coverage: CoverageSchema.nullable().optional(),
});
export type Message = z.infer<typeof MessageSchema>;
