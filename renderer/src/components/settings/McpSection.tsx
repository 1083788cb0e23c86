import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/call';
import { queryKeys } from '../../hooks/query-keys';
import { useTransport } from '../../hooks/transport-context';
import { Switch } from './fields';

/** The command another app (an MCP client) starts to reach this library. */
export function mcpCommandFor(dataDir: string | null): string {
  const data = dataDir ? ` --data ${JSON.stringify(dataDir)}` : '';
  return `npm --prefix /path/to/quire run --silent quire -- mcp${data}`;
}

/** Settings → Other apps (MCP): whether `quire mcp` may add documents, and how to set it up. */
export function McpSection({
  allowIndexing,
  disabled,
  onChange,
}: {
  allowIndexing: boolean;
  disabled: boolean;
  onChange: (allowIndexing: boolean) => void;
}) {
  const transport = useTransport();
  const info = useQuery({
    queryKey: queryKeys.app.info(),
    queryFn: () => request(transport, 'app.info', {}),
  });
  return (
    <fieldset className="settings-group" disabled={disabled} data-testid="mcp-settings">
      <legend>Other apps (MCP)</legend>
      <p className="field-hint">
        AI apps that speak the Model Context Protocol can search your documents and ask Quire cited
        questions. They only read, unless you allow indexing below. Add this command to the app’s
        MCP configuration:
      </p>
      <pre className="settings-command">
        <code>{mcpCommandFor(info.data?.dataDir ?? null)}</code>
      </pre>
      <Switch
        label="Let other apps add documents"
        checked={allowIndexing}
        hint="Gives them an index_paths tool. Applies when the app next starts Quire’s MCP server."
        onChange={onChange}
      />
    </fieldset>
  );
}
