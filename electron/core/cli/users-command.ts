// quire users add|list|remove: the people of a team server. Only users.json changes, so this
// runs beside a running server, which notices on the next request.
import { parseArgs } from 'node:util';
import { readPublicUrl } from '../server/server-file';
import { addUser, readUsers, removeUser, USERS_FILE } from '../server/team-users';
import { createOutput, resolveDataDir, SHARED_OPTIONS } from './cli-context';

export const USERS_HELP = `quire users add NAME [--editor] | list | remove NAME [--data DIR] [--json]
  The people of a team server (quire serve --host). add prints the person's own link: viewers
  read, search, ask and keep private conversations; editors also add and remove documents and
  collections. remove refuses their link at once.`;

/** Where a new person's link points while no server is running: the owner fills it in. */
const PLACEHOLDER_BASE = 'http://HOST:PORT';

export async function usersCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...SHARED_OPTIONS, editor: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const dataDir = resolveDataDir(values.data);
  const [action, name, ...extra] = positionals;
  if (extra.length > 0) {
    out.error(`Unexpected "${extra.join(' ')}".\n${USERS_HELP}`);
    return 2;
  }

  if (action === 'list' && name === undefined) {
    const users = readUsers(dataDir).map(({ name, role, createdAt }) => ({
      name,
      role,
      createdAt: new Date(createdAt).toISOString(),
    }));
    if (values.json) out.line('', { users });
    else if (users.length === 0) out.line('No users yet. Add one with: quire users add NAME');
    else for (const u of users) out.line(`${u.name}\t${u.role}\tadded ${u.createdAt.slice(0, 10)}`);
    return 0;
  }

  if (action === 'add' && name !== undefined) {
    const role = values.editor ? 'editor' : 'viewer';
    const { token } = addUser(dataDir, name, role);
    const running = readPublicUrl(dataDir);
    const link = `${running ?? PLACEHOLDER_BASE}/#token=${token}`;
    out.line(`Added ${name} (${role}). Their link, shown only this once:\n${link}`, {
      name,
      role,
      link,
      token,
      serverRunning: running !== null,
    });
    if (!running && !values.json)
      out.line(
        `No Quire is serving ${dataDir} now: put in HOST:PORT the address that quire serve --host prints.`,
      );
    else if (
      running &&
      /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(running) &&
      !values.json
    )
      out.line('This Quire listens on this machine only: others need quire serve --host.');
    return 0;
  }

  if (action === 'remove' && name !== undefined) {
    if (!removeUser(dataDir, name)) {
      out.error(`There is no user called "${name}" in ${USERS_FILE}.`);
      return 1;
    }
    out.line(`Removed ${name}: their link no longer opens Quire.`, { name, removed: true });
    return 0;
  }

  out.error(USERS_HELP);
  return 2;
}
