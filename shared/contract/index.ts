import type { z } from 'zod';
import type { Result } from '../result';
import { appMethods } from './app';
import { chatMethods } from './chat';
import { collectionsMethods } from './collections';
import { eventsMethods } from './events';
import { documentMethods, libraryMethods } from './library';
import { modelsMethods } from './models';
import { settingsMethods } from './settings';

/** Every invoke method, `domain.method`, with its zod argument and result schemas. */
export const contract = {
  ...appMethods,
  ...eventsMethods,
  ...libraryMethods,
  ...documentMethods,
  ...collectionsMethods,
  ...chatMethods,
  ...settingsMethods,
  ...modelsMethods,
};

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodArgs<M extends MethodName> = z.input<Contract[M]['args']>;
export type ParsedArgs<M extends MethodName> = z.output<Contract[M]['args']>;
export type MethodResult<M extends MethodName> = z.output<Contract[M]['result']>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(value: string): value is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, value);
}

/** The typed client surface that `window.quire` and every renderer transport provide. */
export type QuireApi = {
  [M in MethodName]: (args: MethodArgs<M>) => Promise<Result<MethodResult<M>>>;
};

/** IPC channel names are derived, never hand-written. */
export const invokeChannel = (name: MethodName) => `quire:${name}` as const;
export const EVENT_CHANNEL = 'quire:event';

export * from './app';
export * from './chat';
export * from './collections';
export * from './events';
export * from './library';
export * from './models';
export * from './settings';
