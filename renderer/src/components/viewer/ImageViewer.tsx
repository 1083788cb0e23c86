import { useEffect, useMemo, useRef } from 'react';
import type { OcrPage } from '../../../../shared/ocr-words';
import { ocrHighlightBoxes } from '../../viewer/ocr-highlight';

type Props = {
  src: string;
  ocr: OcrPage | null;
  charStart: number;
  charEnd: number;
};

/** An image read by OCR, with the cited words marked on it. */
export function ImageViewer({ src, ocr, charStart, charEnd }: Props) {
  const boxes = useMemo(
    () => (ocr ? ocrHighlightBoxes(ocr, charStart, charEnd) : []),
    [ocr, charStart, charEnd],
  );
  const first = useRef<HTMLElement>(null);
  useEffect(() => first.current?.scrollIntoView({ block: 'center' }), [boxes]);
  return (
    <div className="pdf-scroller">
      <p className="viewer-note">
        <span className="pill">OCR</span> The text of this image was read by OCR; it may contain
        mistakes.
      </p>
      <div className="ocr-image" data-testid="ocr-image" data-highlights={boxes.length}>
        <img src={src} alt="" />
        <div className="ocr-layer">
          {boxes.map((b, i) => (
            <mark
              key={i}
              ref={i === 0 ? first : undefined}
              className="hl ocr-hl"
              style={{
                left: `${b.left * 100}%`,
                top: `${b.top * 100}%`,
                width: `${b.width * 100}%`,
                height: `${b.height * 100}%`,
              }}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
