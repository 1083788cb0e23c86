import { useRef } from 'react';
import {
  EMBEDDED_DEFAULT_CONTEXT,
  type ProviderKind,
  type ProviderSettings,
} from '../../../../shared/settings';
import type { SettingsInfo } from '../../api/call';
import { ApiKeyField } from './ApiKeyField';
import { BrowseButton, NumberField, OptionalNumberField, TextField } from './fields';

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
  // What was typed for each provider, so switching away and back does not lose the GGUF path.
  const remembered = useRef(new Map<ProviderKind, ProviderSettings>());
  const switchTo = (kind: ProviderKind) => {
    remembered.current.set(provider.kind, provider);
    onChange(remembered.current.get(kind) ?? defaultProvider(kind));
  };
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
              onChange={() => switchTo(o.kind)}
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
            hint={
              pick
                ? 'Small instruct models (1–8 B parameters, Q4) run well on a laptop.'
                : 'Paste the full path of a .gguf file on the machine that runs Quire, or download one below.'
            }
            onChange={(modelPath) => onChange({ ...provider, modelPath })}
            action={
              pick && (
                <BrowseButton
                  pick={pick}
                  kind="model"
                  onPicked={(modelPath) => onChange({ ...provider, modelPath })}
                />
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
          <OptionalNumberField
            label="Context size (tokens)"
            min={256}
            max={2_000_000}
            value={provider.contextSize}
            placeholder="Ask the server"
            hint="Empty: Quire asks the server (llama-server, Ollama) and fits the prompt to it."
            onChange={(contextSize) => {
              const { contextSize: _old, ...rest } = provider;
              onChange(contextSize === undefined ? rest : { ...rest, contextSize });
            }}
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
