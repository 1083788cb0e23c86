import type { PDFDocumentProxy, RenderTask, TextLayer } from 'pdfjs-dist';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { OcrPage } from '../../../../shared/ocr-words';
import { markTextDivs } from '../../viewer/highlight-dom';
import { drawOcrMarks, ocrHighlightBoxes } from '../../viewer/ocr-highlight';
import { highlightParts, layoutPageText } from '../../viewer/pdf-text-map';
import { loadPdfjs, passwordProblem } from '../../viewer/pdfjs';
import { Icon, Spinner } from '../ui/Icon';

type Props = {
  bytes: Uint8Array;
  /** The cited page, shown first, and the passage on it: offsets into its page text. */
  page: number | null;
  charStart: number;
  charEnd: number;
  /** False when the document was opened on its own, not from a citation. */
  cited: boolean;
  /** Pages read by OCR: their text and citations come from these words, drawn over the scan. */
  ocrPages?: readonly OcrPage[] | null;
};

function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      // Steps of 16 px: a resize does not re-render the page on every pixel.
      if (entry) setWidth(Math.floor(entry.contentRect.width / 16) * 16);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

function usePdfDocument(bytes: Uint8Array, password: string | null) {
  const [state, setState] = useState<
    { doc: PDFDocumentProxy } | { locked: 'required' | 'wrong' } | { error: string } | null
  >(null);
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => Promise<void>) | null = null;
    setState(null);
    loadPdfjs()
      .then((pdfjs) => {
        // pdf.js moves the buffer to its worker: hand it a copy.
        const task = pdfjs.getDocument({
          data: bytes.slice(),
          ...(password !== null ? { password } : {}),
          isEvalSupported: false,
          enableXfa: false,
          verbosity: pdfjs.VerbosityLevel.ERRORS,
        });
        destroy = () => task.destroy();
        return task.promise;
      })
      .then(
        (doc) => !cancelled && setState({ doc }),
        (error: unknown) => {
          if (cancelled) return;
          const locked = passwordProblem(error);
          setState(locked ? { locked } : { error: 'This PDF cannot be shown.' });
        },
      );
    return () => {
      cancelled = true;
      void destroy?.();
    };
  }, [bytes, password]);
  return state;
}

/** One page at a time, fitted to the width, with pdf.js's text layer over the canvas. */
export function PdfViewer({ bytes, page, charStart, charEnd, cited, ocrPages }: Props) {
  const [password, setPassword] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const loaded = usePdfDocument(bytes, password);
  const [pageNumber, setPageNumber] = useState(page ?? 1);
  const scroller = useRef<HTMLDivElement>(null);
  const pageHost = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const [rendering, setRendering] = useState(true);
  const doc = loaded && 'doc' in loaded ? loaded.doc : null;

  useEffect(() => {
    const host = pageHost.current;
    if (!doc || !host || width === 0) return;
    let cancelled = false;
    let renderTask: RenderTask | null = null;
    let textLayer: TextLayer | null = null;
    setRendering(true);
    (async () => {
      const pdfjs = await loadPdfjs();
      const pdfPage = await doc.getPage(pageNumber);
      if (cancelled) return;
      const base = pdfPage.getViewport({ scale: 1 });
      const scale = Math.max(0.5, Math.min(2.5, (width - 32) / base.width));
      const viewport = pdfPage.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      const layer = document.createElement('div');
      layer.className = 'textLayer';
      host.style.setProperty('--scale-factor', String(scale));
      host.style.setProperty('--total-scale-factor', String(scale));
      host.style.width = `${Math.floor(viewport.width)}px`;
      host.style.height = `${Math.floor(viewport.height)}px`;
      host.dataset.pageNumber = String(pageNumber);
      delete host.dataset.rendered;
      host.replaceChildren(canvas, layer);
      renderTask = pdfPage.render({
        canvas,
        viewport,
        ...(ratio !== 1 ? { transform: [ratio, 0, 0, ratio, 0, 0] } : {}),
      });
      const content = await pdfPage.getTextContent();
      if (cancelled) return;
      textLayer = new pdfjs.TextLayer({ textContentSource: content, container: layer, viewport });
      await Promise.all([renderTask.promise, textLayer.render()]);
      if (cancelled) return;
      const ocr = ocrPages?.find((p) => p.page === pageNumber);
      host.dataset.ocr = ocr ? 'true' : 'false';
      if (pageNumber === page) {
        const { spans } = layoutPageText(content.items);
        const marks = ocr
          ? drawOcrMarks(host, ocrHighlightBoxes(ocr, charStart, charEnd))
          : markTextDivs(textLayer.textDivs, highlightParts(spans, charStart, charEnd));
        host.dataset.highlights = String(marks.length);
        marks[0]?.scrollIntoView({ block: 'center' });
      } else host.dataset.highlights = '0';
      host.dataset.rendered = 'true';
      setRendering(false);
    })().catch((error: unknown) => {
      if (cancelled || (error as { name?: string })?.name === 'RenderingCancelledException') return;
      setRendering(false);
      host.replaceChildren(
        Object.assign(document.createElement('p'), {
          className: 'viewer-error',
          textContent: 'This page cannot be shown.',
        }),
      );
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    };
  }, [doc, pageNumber, width, page, charStart, charEnd, ocrPages]);

  if (loaded && 'locked' in loaded) {
    return (
      <form
        className="viewer-password form"
        onSubmit={(e) => {
          e.preventDefault();
          setPassword(draft);
        }}
      >
        <Icon name="lock" size={24} />
        <p>
          {loaded.locked === 'wrong'
            ? 'That password is not right. Try again.'
            : 'This PDF is protected by a password.'}
        </p>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            type="password"
            autoComplete="off"
            autoFocus
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={!draft}>
          Open
        </button>
      </form>
    );
  }
  if (loaded && 'error' in loaded) return <p className="viewer-error">{loaded.error}</p>;

  const pages = doc?.numPages ?? 0;
  return (
    <div className="pdf-viewer">
      <div className="pdf-toolbar" role="toolbar" aria-label="Pages">
        <button
          type="button"
          className="icon-btn"
          aria-label="Previous page"
          disabled={pageNumber <= 1}
          onClick={() => setPageNumber((n) => n - 1)}
        >
          <Icon name="back" />
        </button>
        <span className="pdf-page-label" data-testid="pdf-page-label" aria-live="polite">
          Page {pageNumber} of {pages || '…'}
          {cited && page === pageNumber && <span className="pill pill-accent">cited</span>}
          {ocrPages?.some((p) => p.page === pageNumber) && (
            <span className="pill" title="This page is a scan; its text was read by OCR">
              OCR
            </span>
          )}
        </span>
        <button
          type="button"
          className="icon-btn"
          aria-label="Next page"
          disabled={pageNumber >= pages}
          onClick={() => setPageNumber((n) => n + 1)}
        >
          <Icon name="chevron" />
        </button>
        {cited && page !== null && page !== pageNumber && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => setPageNumber(page)}
          >
            Back to the cited page
          </button>
        )}
      </div>
      <div className="pdf-scroller" ref={scroller}>
        {(!doc || rendering) && (
          <div className="viewer-loading">
            <Spinner label="Rendering the page" />
          </div>
        )}
        <div className="pdf-page" ref={pageHost} data-testid="pdf-page" />
      </div>
    </div>
  );
}
