import { isRemoteProvider, type ProviderSettings } from '../../../../shared/settings';
import { useAccess, roleSummary } from '../../hooks/use-access';
import { useSettings } from '../../hooks/use-settings';
import { Icon, Spinner } from '../ui/Icon';
import { SettingsView } from './SettingsView';

/**
 * Settings as the caller's role allows: the owner changes them; a team member (viewer or
 * editor) may change none of them, so they see what they may do and how this Quire answers,
 * without a form of fields that would all be refused.
 */
export function SettingsRoute() {
  const access = useAccess();
  if (access.principal === null)
    return (
      <section className="view settings-view" aria-label="Settings">
        <div className="empty-state">
          <Spinner label="Loading the settings" />
        </div>
      </section>
    );
  return access.can('settings.update') ? <SettingsView /> : <MemberSettings />;
}

/** Which model answers, in words for someone who cannot change it. */
export function describeProvider(provider: ProviderSettings): string {
  switch (provider.kind) {
    case 'none':
      return 'No language model is set up: answers show the passages that match best.';
    case 'embedded':
      return `Answers are written by a local model on the server (${fileName(provider.modelPath)}).`;
    case 'ollama':
      return `Answers are written by ${provider.model}, served by Ollama.`;
    case 'openai':
      return `Answers are written by ${provider.model} at ${hostOf(provider.baseUrl)}.`;
    case 'anthropic':
      return `Answers are written by Anthropic’s ${provider.model}.`;
  }
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || 'a GGUF file';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'a server';
  }
}

function MemberSettings() {
  const { principal } = useAccess();
  const settings = useSettings().data?.settings;
  const remote = settings ? isRemoteProvider(settings.provider) : false;
  return (
    <section className="view settings-view" aria-labelledby="settings-title">
      <header className="view-header">
        <div className="view-heading">
          <h2 id="settings-title">Settings</h2>
          <p className="view-sub">How this Quire answers, and what you can do in it.</p>
        </div>
      </header>
      <div className="settings-scroll">
        {principal && (
          <div className="callout" role="note" data-testid="role-summary">
            <Icon name="lock" />
            <p className="callout-text">
              {roleSummary(principal)} Settings, models and indexing are changed by the owner of
              this Quire.
            </p>
          </div>
        )}
        {settings && (
          <div
            className={remote ? 'privacy privacy-remote' : 'privacy privacy-local'}
            data-testid="privacy"
          >
            <Icon name={remote ? 'cloud' : 'shield'} size={18} />
            <div>
              <p className="privacy-title">
                {remote ? 'Uses the internet' : 'Stays on the server'}
              </p>
              <p className="privacy-text">
                {describeProvider(settings.provider)}{' '}
                {remote
                  ? `Your questions and the passages they need are sent to ${
                      settings.provider.kind === 'anthropic'
                        ? 'Anthropic'
                        : 'baseUrl' in settings.provider
                          ? hostOf(settings.provider.baseUrl)
                          : 'the provider'
                    }.`
                  : 'Search and answers run on the machine that serves this Quire.'}
              </p>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
