import { useState } from 'react';
import { call } from '../../api/call';
import { useNotify } from '../../hooks/app-services';
import { useTransport } from '../../hooks/transport-context';
import { Icon, Spinner } from '../ui/Icon';

/** Saves text as a file through the browser's own download (Electron handles it the same). */
export function downloadText(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is no longer needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** "Export as Markdown": the conversation with its citations as footnotes. */
export function ExportButton({ conversationId }: { conversationId: string }) {
  const transport = useTransport();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const exportMarkdown = async () => {
    setBusy(true);
    const result = await call(transport, 'conversations.export', { conversationId });
    setBusy(false);
    if (!result.ok) notify('error', result.error.message);
    else downloadText(result.value.fileName, result.value.markdown);
  };
  return (
    <button
      type="button"
      className="btn btn-ghost btn-small chat-export"
      disabled={busy}
      onClick={() => void exportMarkdown()}
      data-testid="export-markdown"
      // Short on screen, so the header leaves the room to the conversation's title.
      aria-label="Export as Markdown"
      title="Export as Markdown, citations as footnotes"
    >
      {busy ? <Spinner /> : <Icon name="file" />} Export
    </button>
  );
}
