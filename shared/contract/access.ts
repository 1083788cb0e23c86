// Who may call what on a team server (`quire serve --host`). The desktop app, IPC and the
// in-process callers are the owner; people added with `quire users add` are editors or viewers.
import type { MethodName } from './index';

/** Ranked: each role may do everything the roles before it may. */
export const ROLES = ['viewer', 'editor', 'owner'] as const;
export type Role = (typeof ROLES)[number];
export type UserRole = Exclude<Role, 'owner'>;

/** The caller of a method: the owner of the Quire, or a person with their own token. */
export type Principal = { name: string; role: Role };

/** The person who runs the Quire (the desktop app, the server's own token). */
export const OWNER: Principal = { name: 'owner', role: 'owner' };

/**
 * The least role each method needs. `satisfies` makes a new method fail the typecheck until it
 * has a row here.
 * - viewer: read the library, search, ask, and keep their own conversations.
 * - editor: change the shared library and collections, through uploads (not server paths).
 * - owner: settings, models, the index as a whole, and anything naming the server's own disk.
 */
export const METHOD_ROLES = {
  'app.info': 'viewer',
  'events.subscribe': 'viewer',
  'events.unsubscribe': 'viewer',
  'events.status': 'viewer',
  'library.list': 'viewer',
  'library.query': 'viewer',
  'documents.content': 'viewer',
  'collections.list': 'viewer',
  'chat.send': 'viewer',
  'chat.stop': 'viewer',
  'chat.regenerate': 'viewer',
  'conversations.list': 'viewer',
  'conversations.get': 'viewer',
  'conversations.rename': 'viewer',
  'conversations.setScope': 'viewer',
  'conversations.export': 'viewer',
  'conversations.pin': 'viewer',
  'conversations.unpin': 'viewer',
  'conversations.delete': 'viewer',
  'settings.get': 'viewer',
  'models.embeddingCatalog': 'viewer',
  'models.catalog': 'viewer',
  'models.status': 'viewer',
  'models.switchStatus': 'viewer',

  // library.add names files on the server's disk; team members add by upload (see method-route).
  'library.add': 'editor',
  'library.remove': 'editor',
  'library.retry': 'editor',
  'library.reindex': 'editor',
  'library.cancel': 'editor',
  'collections.create': 'editor',
  'collections.rename': 'editor',
  'collections.delete': 'editor',
  'collections.addDocuments': 'editor',
  'collections.removeDocuments': 'editor',
  'collections.empty': 'editor',

  // A watched folder is a path on the server's disk, which only its owner can choose.
  'library.watch': 'owner',
  'library.unwatch': 'owner',
  'library.pause': 'owner',
  'library.resume': 'owner',
  'library.rebuildIndex': 'owner',
  'settings.update': 'owner',
  'settings.setApiKey': 'owner',
  'settings.clearApiKey': 'owner',
  'settings.setLibrarySecret': 'owner',
  'settings.clearLibrarySecret': 'owner',
  // It reaches the address given: only the owner may make this Quire connect somewhere.
  'settings.checkLibrary': 'owner',
  'providers.test': 'owner',
  'models.measureEmbeddingSpeed': 'owner',
  'models.downloadLanguageModel': 'owner',
  'models.cancelLanguageModel': 'owner',
  'models.download': 'owner',
  'models.cancelDownload': 'owner',
  'models.switch': 'owner',
  'models.switchPause': 'owner',
  'models.switchResume': 'owner',
  'models.switchCancel': 'owner',
} as const satisfies Record<MethodName, Role>;

export function hasRole(principal: Principal, needed: Role): boolean {
  return ROLES.indexOf(principal.role) >= ROLES.indexOf(needed);
}

/** Why a call is refused, naming the role it needs; null when the principal may make it. */
export function refusal(method: MethodName, principal: Principal): string | null {
  const needed: Role = METHOD_ROLES[method];
  if (hasRole(principal, needed)) return null;
  const who = needed === 'owner' ? 'the owner of this Quire' : `an ${needed}`;
  return `Only ${who} may call ${method}; ${principal.name} is a ${principal.role}.`;
}
