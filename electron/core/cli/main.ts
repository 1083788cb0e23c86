import { QuireError } from '../../../shared/errors';
import { askCommand, ASK_HELP } from './ask-command';
import { checkCommand, CHECK_HELP } from './check-command';
import { collectionsCommand, COLLECTIONS_HELP } from './collections-command';
import { evalCommand, EVAL_HELP } from './eval-command';
import { exportCommand, EXPORT_HELP } from './export-command';
import { restartWithTunedMalloc } from './glibc-malloc';
import { indexCommand, INDEX_HELP } from './index-command';
import { libraryCommand, LIBRARY_HELP } from './library-command';
import { mcpCommand, MCP_HELP } from './mcp-command';
import { modelsCommand, MODELS_HELP } from './models-command';
import { searchCommand, SEARCH_HELP } from './search-command';
import { serveCommand, SERVE_HELP } from './serve-command';
import { usersCommand, USERS_HELP } from './users-command';

type Command = { run: (argv: string[]) => Promise<number>; help: string };

/**
 * The commands that open the data folder read-only (`readOnly` in each), so they run beside the
 * Quire that writes it. Keep in step with the commands.
 */
const BESIDE_A_WRITER =
  'quire library, search, check, export (saved conversations), collections list, ' +
  'models list|status|speed, and mcp (unless Settings let it index)';
/** The commands that become clients of a writer that serves its API (running-quire.ts). */
const THROUGH_A_SERVER =
  'Beside the Quire app or quire serve, ask, index and collections changes work too: they go through it';

/** Every command shares --data, --json, --model-dir, --embedding-model, --embedding-dtype and --library. */
const COMMANDS: Record<string, Command> = {
  serve: { run: serveCommand, help: SERVE_HELP },
  users: { run: usersCommand, help: USERS_HELP },
  index: { run: indexCommand, help: INDEX_HELP },
  library: { run: libraryCommand, help: LIBRARY_HELP },
  collections: { run: collectionsCommand, help: COLLECTIONS_HELP },
  search: { run: searchCommand, help: SEARCH_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
  ask: { run: askCommand, help: ASK_HELP },
  check: { run: checkCommand, help: CHECK_HELP },
  export: { run: exportCommand, help: EXPORT_HELP },
  models: { run: modelsCommand, help: MODELS_HELP },
  mcp: { run: mcpCommand, help: MCP_HELP },
};

function usage(): string {
  return [
    'Usage: npm run quire -- <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => c.help),
    '',
    'Every command also takes:',
    '  --data DIR             the data folder (settings, keys, conversations, models)',
    '  --library DIR|s3://BUCKET/PREFIX|az://CONTAINER/PREFIX',
    '                         where the library lives for this run (default: as Settings say,',
    '                         else in the data folder); an S3 bucket is reached with',
    '                         AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and',
    '                         AWS_ENDPOINT_URL, an Azure container with',
    '                         AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY (or',
    '                         AZURE_STORAGE_SAS_TOKEN, or AZURE_STORAGE_CONNECTION_STRING)',
    '  --read-only            open a shared library without its writer lease',
    '  --allow-http           allow a plain-HTTP storage endpoint that is not on this machine',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`quire ${name}: ${message}\n`);
    if (error instanceof QuireError && error.code === 'data_in_use')
      process.stderr.write(
        `Or use another data folder with --data. These work beside it: ${BESIDE_A_WRITER}. ` +
          `${THROUGH_A_SERVER}.\n`,
      );
    return 1;
  }
}

// Before any command runs: the indexing ones restart once, in place, with glibc's malloc tuned.
restartWithTunedMalloc(process.argv[2]);
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
