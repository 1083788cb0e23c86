import { useQuery } from '@tanstack/react-query';
import { ChatPane } from './components/ChatPane';
import { ConnectionBadge } from './components/ConnectionBadge';
import { LibraryPane } from './components/LibraryPane';
import { queryKeys } from './hooks/query-keys';
import { useTransport } from './hooks/transport-context';
import { useQuireSubscriptions } from './hooks/use-quire-subscriptions';

export function App() {
  useQuireSubscriptions();
  const transport = useTransport();
  const info = useQuery({
    queryKey: queryKeys.app.info(),
    queryFn: async () => {
      const result = await transport.invoke('app.info', {});
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    },
  });

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            Q
          </span>
          <h1 className="brand-name">Quire</h1>
        </div>
        <div className="header-status">
          {info.data?.offline && (
            <span
              className="pill pill-offline"
              title="No remote provider is active: nothing leaves this machine."
            >
              Offline
            </span>
          )}
          <ConnectionBadge />
        </div>
      </header>
      <main className="app-main">
        <ChatPane />
        <LibraryPane />
      </main>
    </div>
  );
}
