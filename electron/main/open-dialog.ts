import type { OpenDialogOptions } from 'electron';
import { DIALOG_CHANNEL } from '../../shared/bridge';
import {
  DOCUMENT_EXTENSIONS,
  IMAGE_EXTENSIONS,
  INDEXABLE_EXTENSIONS,
} from '../../shared/file-types';
import type { IpcInvokeEventLike, IpcMainLike, SenderFrameLike, WebContentsLike } from './ipc';

export type DialogResultLike = { canceled: boolean; filePaths: string[] };

/**
 * The native picker for "Add files…", "Add folder…" and a GGUF model's "Browse…"; anything
 * else means documents.
 */
export function openDialogOptions(kind: unknown): OpenDialogOptions {
  if (kind === 'folder') {
    return { title: 'Add a folder to Quire', properties: ['openDirectory'] };
  }
  if (kind === 'model') {
    return {
      title: 'Choose a language model file',
      properties: ['openFile'],
      filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
    };
  }
  return {
    title: 'Add files to Quire',
    properties: ['openFile', 'multiSelections'],
    // Everything readable first: images are read by OCR, and hiding them hid a feature.
    filters: [
      { name: 'Documents and images', extensions: [...INDEXABLE_EXTENSIONS] },
      { name: 'Documents', extensions: [...DOCUMENT_EXTENSIONS] },
      { name: 'Images (text read by OCR)', extensions: [...IMAGE_EXTENSIONS] },
    ],
  };
}

/**
 * Answers the preload's `pickPaths`. Like every contract handler, it serves only the app's own
 * top-level frame: a foreign page never gets to open a file dialog.
 */
export function registerOpenDialog(options: {
  ipcMain: Pick<IpcMainLike, 'handle' | 'removeHandler'>;
  isTrustedFrame: (frame: NonNullable<SenderFrameLike>) => boolean;
  showOpenDialog: (
    sender: WebContentsLike,
    options: OpenDialogOptions,
  ) => Promise<DialogResultLike>;
}): () => void {
  options.ipcMain.handle(DIALOG_CHANNEL, async (event: IpcInvokeEventLike, kind: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !options.isTrustedFrame(frame)) return [];
    const result = await options.showOpenDialog(event.sender, openDialogOptions(kind));
    return result.canceled ? [] : result.filePaths;
  });
  return () => options.ipcMain.removeHandler(DIALOG_CHANNEL);
}
