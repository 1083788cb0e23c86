import { ChatView } from './components/chat/ChatView';
import { DropOverlay } from './components/library/DropOverlay';
import { LibraryView } from './components/library/LibraryView';
import { SettingsRoute } from './components/settings/SettingsRoute';
import { Sidebar } from './components/shell/Sidebar';
import { Notices } from './components/ui/Notices';
import { DocumentViewer } from './components/viewer/DocumentViewer';
import { AppServicesProvider } from './hooks/app-services';
import { AccessProvider } from './hooks/use-access';
import { useQuireSubscriptions } from './hooks/use-quire-subscriptions';
import { useRoute } from './hooks/use-route';

function Main() {
  const route = useRoute();
  return (
    <div className="app">
      <button
        type="button"
        className="skip-link"
        onClick={() => document.querySelector<HTMLElement>('.app-main')?.focus()}
      >
        Skip to main content
      </button>
      <Sidebar route={route} />
      <main className="app-main" tabIndex={-1}>
        {route.view === 'library' ? (
          <LibraryView />
        ) : route.view === 'settings' ? (
          <SettingsRoute />
        ) : (
          <ChatView
            key={route.conversationId ?? `new:${route.aboutDocumentId ?? ''}`}
            conversationId={route.conversationId}
            aboutDocumentId={route.aboutDocumentId ?? null}
          />
        )}
      </main>
      <DocumentViewer />
      <DropOverlay />
      <Notices />
    </div>
  );
}

export function App() {
  useQuireSubscriptions();
  return (
    <AppServicesProvider>
      <AccessProvider>
        <Main />
      </AccessProvider>
    </AppServicesProvider>
  );
}
