import type { MenuItemConstructorOptions } from 'electron';

/** What the menu needs to know of the window's Quire. */
export type MenuServerState =
  | { kind: 'local' }
  /** Showing a server's interface. */
  | { kind: 'remote'; host: string }
  /** A server is remembered but could not be reached: this computer's library is shown. */
  | { kind: 'unreachable'; host: string };

export type MenuActions = { disconnect: () => void; retry: () => void };

/** The server's items: the way back to this computer's library, and a second try. */
export function serverMenuItems(
  state: MenuServerState,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  if (state.kind === 'local') return [];
  const items: MenuItemConstructorOptions[] = [];
  if (state.kind === 'unreachable')
    items.push({
      id: 'server-retry',
      label: `Connect to ${state.host} Again`,
      click: actions.retry,
    });
  items.push({
    id: 'server-disconnect',
    label: `Disconnect from ${state.host}`,
    click: actions.disconnect,
  });
  return items;
}

/**
 * The application menu: Electron's standard menus (which hold copy, paste, reload and zoom),
 * with the server's items in File. Built from roles, so each platform gets its own words.
 */
export function appMenuTemplate(
  state: MenuServerState,
  actions: MenuActions,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const server = serverMenuItems(state, actions);
  const file: MenuItemConstructorOptions[] = [
    ...server,
    ...(server.length ? [{ type: 'separator' as const }] : []),
    mac ? { role: 'close' } : { role: 'quit' },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: file },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}
