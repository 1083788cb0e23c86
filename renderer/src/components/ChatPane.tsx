export function ChatPane() {
  return (
    <section className="chat-pane" aria-label="Chat">
      <div className="empty-state" data-testid="chat-empty">
        <p className="empty-title">Ask your documents anything</p>
        <p className="empty-hint">
          Add documents to the library, then ask a question. Every answer cites its sources.
        </p>
      </div>
      <form className="composer" onSubmit={(e) => e.preventDefault()}>
        <textarea aria-label="Your question" placeholder="Ask a question…" rows={2} disabled />
        <button type="submit" disabled>
          Send
        </button>
      </form>
    </section>
  );
}
