export function LibraryPane() {
  return (
    <aside className="library-pane" aria-label="Library">
      <div className="pane-header">
        <h2>Library</h2>
      </div>
      <div className="empty-state" data-testid="library-empty">
        <div className="empty-icon" aria-hidden="true">
          ⇩
        </div>
        <p className="empty-title">Drop files here</p>
        <p className="empty-hint">
          PDF, Markdown, text, HTML and Word documents are indexed on this machine.
        </p>
      </div>
    </aside>
  );
}
