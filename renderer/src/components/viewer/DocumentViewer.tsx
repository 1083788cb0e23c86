import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { errorMessage, request } from '../../api/call';
import { useViewerActions, useViewerTarget } from '../../hooks/app-services';
import { queryKeys } from '../../hooks/query-keys';
import { useTransport } from '../../hooks/transport-context';
import { useConversation } from '../../hooks/use-conversations';
import { useDocumentQuestions } from '../../hooks/use-document-questions';
import { useRoute } from '../../hooks/use-route';
import { base64ToBytes } from '../../viewer/pdfjs';
import { Dialog } from '../ui/Dialog';
import { Icon, Spinner } from '../ui/Icon';
import { ImageViewer } from './ImageViewer';
import { PdfViewer } from './PdfViewer';
import { TextViewer } from './TextViewer';

/** Opens the cited document at the cited place: a sheet over the chat. */
export function DocumentViewer() {
  const target = useViewerTarget();
  const { close } = useViewerActions();
  const transport = useTransport();
  const questions = useDocumentQuestions();
  const route = useRoute();
  const chatId = route.view === 'chat' ? route.conversationId : null;
  const pinnedHere =
    useConversation(chatId).data?.conversation.pinnedDocumentIds?.includes(
      target?.documentId ?? '',
    ) ?? false;
  const content = useQuery({
    queryKey: queryKeys.documents.content(target?.documentId ?? '-'),
    queryFn: () => request(transport, 'documents.content', { documentId: target!.documentId }),
    enabled: target !== null,
    // Bytes of big PDFs: keep them only while the viewer is open and a little after.
    gcTime: 60_000,
    retry: false,
  });
  const isImage = content.data?.mime.startsWith('image/') ?? false;
  // Browsers cannot show TIFF: its OCR text is shown instead.
  const imageSrc =
    isImage && content.data?.base64 && content.data.mime !== 'image/tiff'
      ? `data:${content.data.mime};base64,${content.data.base64}`
      : null;
  const bytes = useMemo(
    () => (content.data?.base64 && !isImage ? base64ToBytes(content.data.base64) : null),
    [content.data, isImage],
  );

  if (!target) return null;
  const cited = target.evidence ? 'The words that back the sentence' : 'Cited passage';
  const place = target.page !== null ? `Page ${target.page}` : target.n !== undefined ? cited : '';
  return (
    <Dialog open title={target.title} onClose={close} className="sheet" initialFocus=".sheet-close">
      <p className="sheet-sub">
        {target.n !== undefined && <span className="source-n">{target.n}</span>}
        {place && <span>{place}</span>}
        {content.data && (
          <span className="sheet-path" title={content.data.document.path}>
            {content.data.document.path}
          </span>
        )}
      </p>
      <div className="sheet-actions">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            close();
            questions.askAbout(target.documentId);
          }}
        >
          <Icon name="chat" size={14} /> Ask about this document
        </button>
        <button
          type="button"
          className="btn btn-small"
          title="Its text is in every prompt of the conversation"
          onClick={() => {
            if (chatId && pinnedHere) return void questions.unpin(target.documentId, chatId);
            close();
            void questions.pin(target.documentId, chatId);
          }}
        >
          <Icon name="pin" size={14} />{' '}
          {pinnedHere
            ? 'Unpin from this chat'
            : chatId
              ? 'Pin to this chat'
              : 'Pin into a fresh chat'}
        </button>
      </div>
      <button
        type="button"
        className="icon-btn sheet-close"
        aria-label="Close the document"
        onClick={close}
      >
        <Icon name="x" />
      </button>
      <div className="sheet-content" data-testid="document-viewer">
        {content.isPending ? (
          <div className="viewer-loading">
            <Spinner label="Opening the document" />
          </div>
        ) : content.isError ? (
          <p className="viewer-error">{errorMessage(content.error)}</p>
        ) : imageSrc ? (
          <ImageViewer
            src={imageSrc}
            ocr={content.data.ocr?.[0] ?? null}
            charStart={target.charStart}
            charEnd={target.charEnd}
          />
        ) : bytes ? (
          <PdfViewer
            key={`${target.documentId}:${target.charStart}`}
            bytes={bytes}
            page={target.page}
            charStart={target.charStart}
            charEnd={target.charEnd}
            cited={target.n !== undefined}
            ocrPages={content.data.ocr}
          />
        ) : (
          <TextViewer
            text={content.data.text ?? ''}
            charStart={target.charStart}
            charEnd={target.charEnd}
          />
        )}
      </div>
    </Dialog>
  );
}
