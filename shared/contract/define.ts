import type { z } from 'zod';

export type MethodSpec<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> = {
  args: A;
  result: R;
  /** One line for humans: shown in the HTTP API index and in CLI help. */
  summary: string;
};

export function method<A extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<A, R>) {
  return spec;
}
