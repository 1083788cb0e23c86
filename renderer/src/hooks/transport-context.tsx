import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ConnectionState, Transport } from '../../../shared/transport';

const TransportContext = createContext<Transport | null>(null);

export function TransportProvider({
  transport,
  children,
}: {
  transport: Transport;
  children: ReactNode;
}) {
  return <TransportContext.Provider value={transport}>{children}</TransportContext.Provider>;
}

export function useTransport(): Transport {
  const transport = useContext(TransportContext);
  if (!transport) throw new Error('useTransport must be used inside TransportProvider');
  return transport;
}

export function useConnectionState(): ConnectionState {
  const transport = useTransport();
  return useSyncExternalStore(
    (notify) => transport.onConnectionState(notify),
    () => transport.connectionState,
  );
}
