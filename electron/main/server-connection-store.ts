import fs from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../core';

/**
 * The Quire server this app shows instead of its own core: the address in a small file of the
 * app's data folder, the token in the secret store (the keychain first), never in a file.
 *
 * Not in the core's settings.json: those are the settings of the Quire itself, which every
 * client of it reads and its owner's clients change (`settings.update`, the CLI, a team
 * server's owner link). Which Quire a desktop window shows belongs to this app alone.
 */
export const SERVER_CONNECTION_FILE = 'server-connection.json';
/** The secret store's account for the token (beside the providers' API keys). */
export const SERVER_TOKEN_ACCOUNT = 'quire-server-token';

export type RememberedServer = { url: string; host: string };

export type ServerConnectionStore = {
  /** The remembered server, or null; a damaged file counts as none. */
  read(): RememberedServer | null;
  token(): Promise<string | null>;
  remember(server: RememberedServer, token: string): Promise<void>;
  /** Forgets the address and deletes the token. */
  forget(): Promise<void>;
};

export function serverConnectionStore(options: {
  dataDir: string;
  secrets: () => Promise<SecretStore>;
}): ServerConnectionStore {
  const file = path.join(options.dataDir, SERVER_CONNECTION_FILE);
  return {
    read() {
      try {
        const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RememberedServer>;
        if (typeof value.url !== 'string' || typeof value.host !== 'string') return null;
        const url = new URL(value.url);
        return { url: url.origin, host: value.host };
      } catch {
        return null;
      }
    },
    async token() {
      return (await options.secrets()).get(SERVER_TOKEN_ACCOUNT);
    },
    async remember(server, token) {
      // The token first: an address without its token would be a connection that cannot work.
      await (await options.secrets()).set(SERVER_TOKEN_ACCOUNT, token);
      fs.mkdirSync(options.dataDir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, `${JSON.stringify(server, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(temp, file);
    },
    async forget() {
      fs.rmSync(file, { force: true });
      await (await options.secrets()).delete(SERVER_TOKEN_ACCOUNT);
    },
  };
}
