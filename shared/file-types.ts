/**
 * The file types Quire indexes, for the pickers: the browser's `<input accept>` and Electron's
 * open dialog. The parsers (electron/core/parsers) decide what is read; a test in
 * electron/main keeps this list equal to theirs, so a picker never hides a readable file.
 */

/** Text documents, without the dot. */
export const DOCUMENT_EXTENSIONS: readonly string[] = [
  'pdf',
  'md',
  'markdown',
  'mdown',
  'mkd',
  'txt',
  'text',
  'csv',
  'tsv',
  'log',
  'html',
  'htm',
  'xhtml',
  'docx',
];

/** Images, read by OCR. */
export const IMAGE_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp'];

export const INDEXABLE_EXTENSIONS: readonly string[] = [
  ...DOCUMENT_EXTENSIONS,
  ...IMAGE_EXTENSIONS,
];

/** ".pdf,.md,…,.webp": the `accept` attribute of a file input. */
export const FILE_INPUT_ACCEPT = INDEXABLE_EXTENSIONS.map((ext) => `.${ext}`).join(',');
