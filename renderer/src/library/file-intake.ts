import type { QuireBridge } from '../../../shared/bridge';

/** Names the indexer never takes: hidden files and OS clutter. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini';
}

type Entry = {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?: (ok: (f: File) => void, fail: (e: unknown) => void) => void;
  createReader?: () => {
    readEntries: (ok: (entries: Entry[]) => void, fail: (e: unknown) => void) => void;
  };
};

async function filesOfEntry(entry: Entry, out: File[], depth = 0): Promise<void> {
  if (isHiddenName(entry.name) || depth > 32) return;
  if (entry.isFile && entry.file) {
    out.push(await new Promise<File>((resolve, reject) => entry.file!(resolve, reject)));
    return;
  }
  if (!entry.isDirectory || !entry.createReader) return;
  const reader = entry.createReader();
  // readEntries returns at most 100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    for (const child of batch) await filesOfEntry(child, out, depth + 1);
  }
}

/**
 * Dropped files and folders. In Electron they are paths (folders included, the core
 * walks them); in a browser they are File objects, folders walked here.
 */
export async function readDrop(
  data: DataTransfer,
  bridge: QuireBridge | undefined,
): Promise<{ paths: string[]; files: File[] }> {
  if (bridge?.pathForFile) {
    const paths = [...data.files].map((f) => bridge.pathForFile!(f)).filter(Boolean);
    return { paths, files: [] };
  }
  const items = [...data.items].filter((i) => i.kind === 'file');
  // Entries must be taken synchronously, before the drop event returns.
  const entries = items.map((i) => {
    const entry = (i as { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.() ?? null;
    return { entry, file: i.getAsFile() };
  });
  const files: File[] = [];
  for (const { entry, file } of entries) {
    if (entry) await filesOfEntry(entry, files);
    else if (file && !isHiddenName(file.name)) files.push(file);
  }
  if (items.length === 0) files.push(...[...data.files].filter((f) => !isHiddenName(f.name)));
  return { paths: [], files };
}

export function dragHasFiles(event: DragEvent): boolean {
  return [...(event.dataTransfer?.types ?? [])].includes('Files');
}
