// The indexer and the viewer must build a page's text the same way: one rule, in shared/.
export { pdfPageText, type PdfTextItemLike as PdfTextItem } from '../../../shared/pdf-page-text';
