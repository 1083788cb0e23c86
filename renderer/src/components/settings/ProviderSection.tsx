import {
  EMBEDDED_DEFAULT_CONTEXT,
  type ProviderKind,
  type ProviderSettings,
} from '../../../../shared/settings';
import type { SettingsInfo } from '../../api/call';
import { ApiKeyField } from './ApiKeyField';
import { NumberField, TextField } from './fields';

const OPTIONS: { kind: ProviderKind; title: string; text: string }[] = [
  { kind: 'none', title: 'No model', text: 'Search only: Quire shows the best passages.' },
  {
    kind: 'embedded',
    title: 'Local model file',
    text: 'A GGUF file run by llama.cpp inside Quire.',
  },
  { kind: 'ollama', title: 'Ollama', text: 'A model served by Ollama on this machine.' },
  { kind: 'openai', title: 'OpenAI-compatible', text: 'OpenAI, or any compatible server.' },
  { kind: 'anthropic', title: 'Anthropic', text: 'Claude models, over the internet.' },
];

export function defaultProvider(kind: ProviderKind): ProviderSettings {
  switch (kind) {
    case 'embedded':
      return { kind, modelPath: '' };
    case 'ollama':
      return { kind, baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' };
    case 'openai':
      return { kind, baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' };
    case 'anthropic':
      return { kind, model: 'claude-sonnet-4-5' };
    default:
      return { kind: 'none' };
  }
}

export function ProviderSection({
  provider,
  info,
  disabled,
  onChange,
}: {
  provider: ProviderSettings;
  info: SettingsInfo | undefined;
  disabled: boolean;
  onChange: (provider: ProviderSettings) => void;
}) {
  const pick = window.quire?.pickPaths;
  return (
    <fieldset className="settings-group" disabled={disabled}>
      <legend>Language model</legend>
      <div className="choice-grid" role="radiogroup" aria-label="Provider">
        {OPTIONS.map((o) => (
          <label key={o.kind} className={provider.kind === o.kind ? 'choice selected' : 'choice'}>
            <input
              type="radio"
              name="provider"
              value={o.kind}
              checked={provider.kind === o.kind}
              onChange={() => onChange(defaultProvider(o.kind))}
            />
            <span className="choice-title">{o.title}</span>
            <span className="choice-text">{o.text}</span>
          </label>
        ))}
      </div>
      {provider.kind === 'embedded' && (
        <>
          <TextField
            label="Model file (.gguf)"
            value={provider.modelPath}
            placeholder="/path/to/model.gguf"
            hint="Small instruct models (1–8 B parameters, Q4) run well on a laptop."
            onChange={(modelPath) => onChange({ ...provider, modelPath })}
            action={
              pick && (
                <button
                  type="button"
                  className="btn"
                  onClick={() =>
                    void pick('files').then(
                      ([path]) => path && onChange({ ...provider, modelPath: path }),
                    )
                  }
                >
                  Browse…
                </button>
              )
            }
          />
          <NumberField
            label="Context size (tokens)"
            min={256}
            max={131072}
            step={256}
            value={provider.contextSize ?? EMBEDDED_DEFAULT_CONTEXT}
            hint="More keeps more of the conversation cached; less needs less memory."
            onChange={(contextSize) => onChange({ ...provider, contextSize })}
          />
        </>
      )}
      {(provider.kind === 'ollama' || provider.kind === 'openai') && (
        <>
          <TextField
            label="Base URL"
            value={provider.baseUrl}
            onChange={(baseUrl) => onChange({ ...provider, baseUrl })}
          />
          <TextField
            label="Model"
            value={provider.model}
            onChange={(model) => onChange({ ...provider, model })}
          />
        </>
      )}
      {provider.kind === 'anthropic' && (
        <TextField
          label="Model"
          value={provider.model}
          onChange={(model) => onChange({ ...provider, model })}
        />
      )}
      {(provider.kind === 'openai' || provider.kind === 'anthropic') && (
        <ApiKeyField
          provider={provider.kind}
          stored={info?.keys[provider.kind] ?? false}
          backend={info?.secretBackend ?? 'keychain'}
          disabled={disabled}
        />
      )}
    </fieldset>
  );
}
