import { useSyncExternalStore } from 'react';

export type Route =
  | {
      view: 'chat';
      conversationId: string | null;
      /** A new question about this whole document ("Ask about this document"). */
      aboutDocumentId?: string;
    }
  | { view: 'library' }
  | { view: 'settings' };

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Hash routes survive a reload and work the same from file://, app:// and http://. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  switch (parts[0]) {
    case 'library':
      return { view: 'library' };
    case 'settings':
      return { view: 'settings' };
    case 'ask': {
      const id = parts[1];
      return id && ID.test(id)
        ? { view: 'chat', conversationId: null, aboutDocumentId: id }
        : { view: 'chat', conversationId: null };
    }
    case 'chat': {
      const id = parts[1];
      return { view: 'chat', conversationId: id && ID.test(id) ? id : null };
    }
    default:
      return { view: 'chat', conversationId: null };
  }
}

export function routeHash(route: Route): string {
  if (route.view === 'chat' && route.aboutDocumentId && !route.conversationId)
    return `#/ask/${route.aboutDocumentId}`;
  if (route.view === 'chat')
    return route.conversationId ? `#/chat/${route.conversationId}` : '#/chat';
  return `#/${route.view}`;
}

export function navigate(route: Route): void {
  const hash = routeHash(route);
  if (window.location.hash !== hash) window.location.hash = hash;
}

function subscribe(notify: () => void) {
  window.addEventListener('hashchange', notify);
  return () => window.removeEventListener('hashchange', notify);
}

let cached: { hash: string; route: Route } | null = null;
function current(): Route {
  const hash = window.location.hash;
  if (!cached || cached.hash !== hash) cached = { hash, route: parseRoute(hash) };
  return cached.route;
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, current);
}
