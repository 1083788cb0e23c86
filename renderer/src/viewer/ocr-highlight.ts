import { ocrItemBox, type OcrPage } from '../../../shared/ocr-words';
import { highlightParts, layoutPageText } from '../../../shared/pdf-page-text';

/** A highlight rectangle as fractions of the image (0..1), so it scales with the picture. */
export type RelativeBox = { left: number; top: number; width: number; height: number };

/**
 * The word boxes of a cited passage on a page read by OCR. Offsets index the page text
 * built by the shared rule from the same words, exactly as the indexer built it.
 */
export function ocrHighlightBoxes(
  page: OcrPage,
  charStart: number,
  charEnd: number,
): RelativeBox[] {
  if (page.width <= 0 || page.height <= 0) return [];
  const { spans } = layoutPageText(page.items);
  return highlightParts(spans, charStart, charEnd).map((part) => {
    const box = ocrItemBox(page.items[part.item]!, page.height);
    return {
      left: box.left / page.width,
      top: box.top / page.height,
      width: box.width / page.width,
      height: box.height / page.height,
    };
  });
}

/** Absolutely placed <mark>s over an image or canvas host; returns them, first first. */
export function drawOcrMarks(host: HTMLElement, boxes: readonly RelativeBox[]): HTMLElement[] {
  const layer = document.createElement('div');
  layer.className = 'ocr-layer';
  const marks = boxes.map((b) => {
    const mark = document.createElement('mark');
    mark.className = 'hl ocr-hl';
    mark.style.left = `${b.left * 100}%`;
    mark.style.top = `${b.top * 100}%`;
    mark.style.width = `${b.width * 100}%`;
    mark.style.height = `${b.height * 100}%`;
    return mark;
  });
  layer.replaceChildren(...marks);
  host.append(layer);
  return marks;
}
