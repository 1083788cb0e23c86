import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { LibrarySnapshot } from '../../../shared/documents';
import type { Result } from '../../../shared/result';
import type { MethodArgs, MethodName, MethodResult } from '../../../shared/contract';
import { call } from '../api/call';
import { readDrop } from '../library/file-intake';
import { plural } from '../library/format';
import { canUpload, type AddResult } from '../transport/upload';
import { useNoticeActions } from './app-services';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

/** The library as the `library` stream keeps it: no fetching, no polling. */
export function useLibrary(): LibrarySnapshot | undefined {
  return useQuery<LibrarySnapshot>({
    queryKey: queryKeys.library.snapshot(),
    queryFn: skipToken,
  }).data;
}

function describeAdd(results: AddResult[]): { tone: 'success' | 'info' | 'error'; text: string } {
  const added = results.reduce((n, r) => n + r.added.length, 0);
  const unchanged = results.reduce((n, r) => n + r.unchanged.length, 0);
  const duplicates = results.flatMap((r) => r.duplicates);
  const skipped = results.flatMap((r) => r.skipped);
  const parts: string[] = [];
  if (added) parts.push(`Added ${plural(added, 'document')}`);
  if (unchanged) parts.push(`${plural(unchanged, 'document')} already indexed`);
  if (duplicates.length === 1) {
    const name = duplicates[0]!.path.split(/[\\/]/).pop() ?? '';
    parts.push(`"${name}" is already in your library as "${duplicates[0]!.name}"`);
  } else if (duplicates.length > 1)
    parts.push(`${plural(duplicates.length, 'file')} already in your library`);
  if (skipped.length) {
    const first = skipped[0];
    const name = first?.path.split(/[\\/]/).pop() ?? '';
    parts.push(
      skipped.length === 1
        ? `Skipped "${name}": ${first?.reason ?? ''}`
        : `Skipped ${plural(skipped.length, 'file')} (e.g. "${name}": ${first?.reason ?? ''})`,
    );
  }
  if (parts.length === 0) return { tone: 'info', text: 'Nothing to add.' };
  const tone = added || unchanged ? 'success' : duplicates.length ? 'info' : 'error';
  return { tone, text: `${parts.join('. ')}.` };
}

/** Library commands; each reports its outcome as a notice. State arrives by events. */
export function useLibraryActions() {
  const transport = useTransport();
  const { notify, dismiss } = useNoticeActions();
  const queryClient = useQueryClient();
  return useMemo(() => {
    // Watched folders change no document, so no event carries them: apply the result.
    const setWatched = (result: { watchedFolders: string[] } | null) => {
      if (!result) return;
      queryClient.setQueryData<LibrarySnapshot>(queryKeys.library.snapshot(), (old) =>
        old ? { ...old, watchedFolders: result.watchedFolders } : old,
      );
    };

    const run = async <M extends MethodName>(
      method: M,
      args: MethodArgs<M>,
    ): Promise<MethodResult<M> | null> => {
      const result: Result<MethodResult<M>> = await call(transport, method, args);
      if (result.ok) return result.value;
      notify('error', result.error.message);
      return null;
    };

    const addPaths = async (paths: string[]) => {
      if (paths.length === 0) return;
      const result = await run('library.add', { paths });
      if (result) {
        const summary = describeAdd([result]);
        notify(summary.tone, summary.text);
      }
    };

    const uploadFiles = async (files: File[]) => {
      if (files.length === 0) return;
      if (!canUpload(transport)) {
        notify('error', 'This window cannot read dropped files.');
        return;
      }
      const sending =
        files.length > 1
          ? notify('info', `Sending ${plural(files.length, 'file')} to Quire…`)
          : null;
      const results: AddResult[] = [];
      // Two at a time: quick for many small files, gentle for a few large ones.
      let next = 0;
      const worker = async () => {
        while (next < files.length) {
          const file = files[next++]!;
          const result = await transport.upload(file);
          if (result.ok) results.push(result.value);
          else
            results.push({
              added: [],
              unchanged: [],
              duplicates: [],
              skipped: [{ path: file.name, code: result.error.code, reason: result.error.message }],
            });
        }
      };
      await Promise.all([worker(), worker()]);
      // The outcome replaces "Sending…": both side by side read as still sending.
      if (sending !== null) dismiss(sending);
      const summary = describeAdd(results);
      notify(summary.tone, summary.text);
    };

    return {
      addPaths,
      uploadFiles,
      /** Adds whatever a drop or a file input carries, by path or by upload. */
      addDropped: async (data: DataTransfer) => {
        const { paths, files } = await readDrop(data, window.quire);
        if (paths.length) await addPaths(paths);
        if (files.length) await uploadFiles(files);
        if (!paths.length && !files.length) notify('info', 'There were no files in that drop.');
      },
      remove: (documentId: string) => run('library.remove', { documentId }),
      retry: (documentId: string, password?: string) =>
        run('library.retry', password === undefined ? { documentId } : { documentId, password }),
      reindex: (documentId: string) => run('library.reindex', { documentId }),
      cancel: (documentId: string) => run('library.cancel', { documentId }),
      pause: () => run('library.pause', {}),
      resume: () => run('library.resume', {}),
      /** With a collection, the folder's files (now and later) join it. */
      watch: async (folder: string, collectionId?: string) =>
        setWatched(
          await run('library.watch', collectionId ? { folder, collectionId } : { folder }),
        ),
      unwatch: async (folder: string) => setWatched(await run('library.unwatch', { folder })),
      rebuildIndex: () => run('library.rebuildIndex', {}),
    };
  }, [transport, notify, dismiss, queryClient]);
}

export type LibraryActions = ReturnType<typeof useLibraryActions>;
