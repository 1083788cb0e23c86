import { describe, expect, it } from 'vitest';
import type { OpenDialogOptions } from 'electron';
import { DIALOG_CHANNEL } from '../../shared/bridge';
import { FILE_INPUT_ACCEPT, INDEXABLE_EXTENSIONS } from '../../shared/file-types';
import { isSupportedPath, SUPPORTED_EXTENSIONS } from '../core/parsers';
import type { IpcInvokeEventLike, WebContentsLike } from './ipc';
import { openDialogOptions, registerOpenDialog } from './open-dialog';
import { isAppUrl } from './window-options';

const APP_URL = 'file:///opt/Quire/resources/app.asar/out/renderer/index.html';
const sender = { id: 1 } as WebContentsLike;

function setUp(answer: { canceled: boolean; filePaths: string[] }) {
  let handler: ((event: IpcInvokeEventLike, args: unknown) => Promise<unknown>) | undefined;
  const shown: OpenDialogOptions[] = [];
  const unregister = registerOpenDialog({
    ipcMain: {
      handle: (channel, listener) => {
        expect(channel).toBe(DIALOG_CHANNEL);
        handler = listener;
      },
      removeHandler: () => (handler = undefined),
    },
    isTrustedFrame: (frame) => isAppUrl(frame.url, APP_URL),
    showOpenDialog: async (_sender, options) => {
      shown.push(options);
      return answer;
    },
  });
  const call = (frame: IpcInvokeEventLike['senderFrame'], kind: unknown) =>
    handler!({ sender, senderFrame: frame }, kind);
  return { call, shown, unregister, registered: () => handler !== undefined };
}

describe('the native open dialog', () => {
  it("offers GGUF files, one at a time, for a language model's Browse button", () => {
    const options = openDialogOptions('model');
    expect(options.properties).toEqual(['openFile']);
    expect(options.filters).toEqual([{ name: 'GGUF models', extensions: ['gguf'] }]);
  });

  it('returns the picked paths to the app frame', async () => {
    const { call, shown } = setUp({
      canceled: false,
      filePaths: ['/home/me/a.pdf', '/home/me/b.md'],
    });
    expect(await call({ url: APP_URL, parent: null }, 'files')).toEqual([
      '/home/me/a.pdf',
      '/home/me/b.md',
    ]);
    expect(shown[0]?.properties).toEqual(['openFile', 'multiSelections']);
    expect(await call({ url: APP_URL, parent: null }, 'folder')).toHaveLength(2);
    expect(shown[1]?.properties).toEqual(['openDirectory']);
  });

  it('never opens for a foreign or nested frame', async () => {
    const { call, shown } = setUp({ canceled: false, filePaths: ['/etc/passwd'] });
    expect(await call({ url: 'https://evil.example/', parent: null }, 'files')).toEqual([]);
    expect(await call({ url: APP_URL, parent: {} }, 'files')).toEqual([]);
    expect(await call(null, 'files')).toEqual([]);
    expect(shown).toHaveLength(0);
  });

  it('returns nothing when cancelled, and unregisters', async () => {
    const { call, unregister, registered } = setUp({ canceled: true, filePaths: [] });
    expect(await call({ url: APP_URL, parent: null }, 'files')).toEqual([]);
    unregister();
    expect(registered()).toBe(false);
  });

  it('offers exactly the file types Quire can index, and treats unknown kinds as files', () => {
    const extensions = openDialogOptions({ evil: true }).filters![0]!.extensions;
    expect(extensions).toEqual(expect.arrayContaining(['pdf', 'md', 'txt', 'html', 'docx']));
    for (const ext of extensions) expect(isSupportedPath(`/x/file.${ext}`)).toBe(true);
  });

  it('offers images (read by OCR) in both pickers, from the list the parsers read', () => {
    const sorted = (list: readonly string[]) => [...list].sort();
    expect(sorted(INDEXABLE_EXTENSIONS.map((ext) => `.${ext}`))).toEqual(
      sorted(SUPPORTED_EXTENSIONS),
    );
    const [all, , images] = openDialogOptions('files').filters!;
    expect(all!.extensions).toEqual(expect.arrayContaining(['png', 'jpg', 'jpeg', 'tiff', 'webp']));
    expect(images!.extensions).toContain('png');
    for (const ext of SUPPORTED_EXTENSIONS) expect(FILE_INPUT_ACCEPT.split(',')).toContain(ext);
  });
});
