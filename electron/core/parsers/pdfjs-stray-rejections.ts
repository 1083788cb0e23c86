/**
 * pdf.js prefetches page-tree nodes while it opens a document and never awaits the ones it
 * does not need; when such a node is damaged its rejection is left unhandled. In a worker
 * thread that kills the indexer, so a PDF pdf.js itself can read was failed as "crashed the
 * indexer twice". These stray rejections carry pdf.js's own parse errors; they are dropped,
 * and every other unhandled rejection is rethrown so it still fails loudly.
 */
const PDFJS_PARSE_ERRORS = new Set([
  'FormatError',
  'ParserEOFException',
  'XRefEntryException',
  'XRefParseException',
  'InvalidPDFException',
  'MissingDataException',
  'UnknownErrorException',
  'JpegError',
  'JpxError',
  'Jbig2Error',
  'DNLMarkerError',
  'EOIMarkerError',
]);

export function isPdfjsParseError(reason: unknown): boolean {
  return reason instanceof Error && PDFJS_PARSE_ERRORS.has(reason.name);
}

let installed = false;

export function ignorePdfjsStrayRejections(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    if (isPdfjsParseError(reason)) return;
    throw reason;
  });
}
