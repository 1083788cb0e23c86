// The people of a team server, in `<data>/users.json` (0600): a name, a role and the SHA-256 of
// their token. The token itself is printed once, in their link, and never stored.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Principal, UserRole } from '../../../shared/contract/access';
import { QuireError } from '../../../shared/errors';

export const USERS_FILE = 'users.json';

export type TeamUser = {
  name: string;
  role: UserRole;
  tokenSha256: string;
  createdAt: number;
};

/** Short, unambiguous in a link or a log; "owner" is the Quire's own token. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

export function checkUserName(name: string): void {
  if (!NAME.test(name))
    throw new QuireError(
      'invalid_argument',
      `"${name}" is not a usable name: use 1 to 40 letters, digits, ".", "_" or "-", starting with a letter or digit.`,
    );
  if (name.toLowerCase() === 'owner')
    throw new QuireError('invalid_argument', '"owner" is the name of the Quire\'s own token.');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function usersFile(dataDir: string): string {
  return path.join(dataDir, USERS_FILE);
}

function isTeamUser(value: unknown): value is TeamUser {
  const user = value as Partial<TeamUser> | null;
  return (
    typeof user?.name === 'string' &&
    (user.role === 'viewer' || user.role === 'editor') &&
    typeof user.tokenSha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(user.tokenSha256)
  );
}

export function readUsers(dataDir: string): TeamUser[] {
  let text: string;
  try {
    text = fs.readFileSync(usersFile(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = JSON.parse(text) as { users?: unknown[] };
  return (parsed.users ?? []).filter(isTeamUser);
}

/** Atomic and 0600 from the first byte, as the server file is: a reader sees old or new. */
function writeUsers(dataDir: string, users: TeamUser[]): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = usersFile(dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  fs.rmSync(temp, { force: true });
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, `${JSON.stringify({ users }, null, 2)}\n`);
    fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/** Adds a person and returns their token, which exists nowhere else from now on. */
export function addUser(
  dataDir: string,
  name: string,
  role: UserRole,
): { user: TeamUser; token: string } {
  checkUserName(name);
  const users = readUsers(dataDir);
  if (users.some((u) => u.name.toLowerCase() === name.toLowerCase()))
    throw new QuireError(
      'invalid_argument',
      `There is already a user called "${name}". Remove them first to give them a new link.`,
    );
  const token = randomBytes(32).toString('base64url');
  const user: TeamUser = { name, role, tokenSha256: tokenHash(token), createdAt: Date.now() };
  writeUsers(dataDir, [...users, user]);
  return { user, token };
}

export function removeUser(dataDir: string, name: string): boolean {
  const users = readUsers(dataDir);
  const kept = users.filter((u) => u.name.toLowerCase() !== name.toLowerCase());
  if (kept.length === users.length) return false;
  writeUsers(dataDir, kept);
  return true;
}

/**
 * Token → the person it belongs to. The file is re-read whenever it changes (an atomic rename
 * gives it a new inode), so a removed person's token fails on their next request.
 */
export function userDirectory(dataDir: string): (token: string) => Principal | null {
  let seen = '';
  let byHash = new Map<string, Principal>();
  const refresh = () => {
    let stamp = 'none';
    try {
      const stat = fs.statSync(usersFile(dataDir));
      stamp = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      // No file: nobody but the owner.
    }
    if (stamp === seen) return;
    try {
      byHash = new Map(
        readUsers(dataDir).map((u) => [u.tokenSha256, { name: u.name, role: u.role }]),
      );
    } catch (error) {
      // A damaged file admits nobody rather than everybody it used to.
      console.error(`[quire] could not read ${USERS_FILE}`, error);
      byHash = new Map();
    }
    seen = stamp;
  };
  // Hashing first makes the lookup's timing say nothing about the stored hashes.
  return (token) => {
    refresh();
    return byHash.get(tokenHash(token)) ?? null;
  };
}
