// The viewer maps offsets with the indexer's own rule, which lives in shared/.
export {
  highlightParts,
  layoutPageText,
  type HighlightPart,
  type ItemSpan,
  type PdfTextItemLike,
} from '../../../shared/pdf-page-text';
