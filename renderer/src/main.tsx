import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AccessGate } from './components/shell/AccessGate';
import { TransportProvider } from './hooks/transport-context';
import { selectTransport } from './transport/select-transport';
import './styles/tokens.css';
import './styles/controls.css';
import './styles/shell.css';
import './styles/overlays.css';
import './styles/library.css';
import './styles/chat.css';
import './styles/markdown.css';
import './styles/checks.css';
import './styles/sources.css';
import './styles/viewer.css';
import './styles/settings.css';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: 1 } },
});
const { transport, hasToken } = selectTransport();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TransportProvider transport={transport}>
        <AccessGate hasToken={hasToken}>
          <App />
        </AccessGate>
      </TransportProvider>
    </QueryClientProvider>
  </StrictMode>,
);
