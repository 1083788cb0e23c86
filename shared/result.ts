import { z } from 'zod';
import { QuireErrorSchema, type QuireErrorShape } from './errors';

export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; error: QuireErrorShape };
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (error: QuireErrorShape): Err => ({ ok: false, error });

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: QuireErrorSchema }),
  ]);
}
