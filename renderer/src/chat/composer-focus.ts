/**
 * A request to put the caret in the question box. Sending the first message of a chat,
 * or "New chat", changes the route and mounts a new chat view, so the request must
 * outlive the component that made it: the next composer to mount (or the mounted one)
 * takes it.
 */
let pending = false;
const listeners = new Set<() => void>();

export function requestComposerFocus(): void {
  pending = true;
  for (const listener of listeners) listener();
}

/** Runs `focus` now if a request is waiting, and for every later request; returns the unsubscribe. */
export function onComposerFocusRequest(focus: () => void): () => void {
  const take = () => {
    if (!pending) return;
    pending = false;
    focus();
  };
  listeners.add(take);
  take();
  return () => listeners.delete(take);
}
