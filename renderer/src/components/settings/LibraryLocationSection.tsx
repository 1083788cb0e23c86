import { useRef, useState } from 'react';
import { objectStoreOf } from '../../../../shared/library-address';
import { LibrarySettingsSchema, type LibrarySettings } from '../../../../shared/settings';
import type { SettingsInfo } from '../../api/call';
import { useSettingsActions } from '../../hooks/use-settings';
import { Icon, Spinner } from '../ui/Icon';
import { BrowseButton, Switch, TextField } from './fields';
import { LibrarySecretField } from './LibrarySecretField';
import {
  BUCKET_WORDS,
  bucketServiceOf,
  libraryKindOf,
  libraryPending,
  libraryProblem,
  openLibraryNote,
  secretHint,
  withField,
  type LibraryKind,
} from './library-location-view';

const OPTIONS: { kind: LibraryKind; title: string; text: string }[] = [
  {
    kind: 'default',
    title: "In this computer's data folder",
    text: 'The usual place, beside your settings and conversations.',
  },
  {
    kind: 'folder',
    title: 'Another folder',
    text: 'A larger disk, or a folder a second Quire reads.',
  },
  {
    kind: 'bucket',
    title: 'A bucket or container',
    text: 's3:// (AWS, MinIO, R2, Google Cloud) or az:// (Azure): one library, several computers.',
  },
];

/** A check answers for what was typed when it ran; an edit since then hides it. */
type CheckState =
  | { state: 'idle' }
  | { state: 'checking'; key: string }
  | { state: 'done'; key: string; ok: boolean; text: string };

const DEFAULT_LIBRARY = LibrarySettingsSchema.parse({});

/** Settings → Where the library lives: the data folder, another folder, or a bucket (S3 or Azure). */
export function LibraryLocationSection(props: {
  /** Undefined from a core older than this setting. */
  library: LibrarySettings | undefined;
  info: SettingsInfo | undefined;
  disabled: boolean;
  onChange: (library: LibrarySettings) => void;
}) {
  // A core that answers without the library's status cannot place it elsewhere.
  if (props.info && !props.info.library) return null;
  return <LibraryLocationForm {...props} library={props.library ?? DEFAULT_LIBRARY} />;
}

function LibraryLocationForm({
  library,
  info,
  disabled,
  onChange,
}: {
  library: LibrarySettings;
  info: SettingsInfo | undefined;
  disabled: boolean;
  onChange: (library: LibrarySettings) => void;
}) {
  const actions = useSettingsActions();
  const pick = window.quire?.pickPaths;
  const status = info?.library;
  // A kind chosen before its address is typed; the address decides once there is one.
  const [picked, setPicked] = useState<LibraryKind | null>(null);
  const kind = library.location.trim() ? libraryKindOf(library.location) : (picked ?? 'default');
  // What was typed for each kind, so switching away and back loses nothing.
  const typedFor = useRef(new Map<LibraryKind, string>());
  const [secret, setSecret] = useState('');
  const [check, setCheck] = useState<CheckState>({ state: 'idle' });
  const problem = libraryProblem(library, kind);
  const words = BUCKET_WORDS[bucketServiceOf(library.location)];
  const checkKey = JSON.stringify([library, secret.trim()]);
  const shownCheck = check.state !== 'idle' && check.key === checkKey ? check : null;

  const switchTo = (next: LibraryKind) => {
    typedFor.current.set(kind, library.location);
    setPicked(next);
    onChange({ ...library, location: typedFor.current.get(next) ?? '' });
  };
  const runCheck = async () => {
    const key = checkKey;
    setCheck({ state: 'checking', key });
    const result = await actions.checkLibrary(library, secret.trim() || undefined);
    if (!result.ok) setCheck({ state: 'done', key, ok: false, text: result.error.message });
    else if (result.value.ok) setCheck({ state: 'done', key, ok: true, text: result.value.detail });
    else setCheck({ state: 'done', key, ok: false, text: result.value.message });
  };
  const errorFor = (field: string) =>
    problem?.field === field && (
      <p className="field-error" role="alert" data-testid={`library-${field}-error`}>
        {problem.message}
      </p>
    );
  /** A bucket setting that may be left empty, with its error under it. */
  const optionalField = (
    field: 'endpoint' | 'region' | 'accessKeyId',
    text: { label: string; placeholder: string; hint?: string },
  ) => (
    <div>
      <TextField
        label={text.label}
        placeholder={text.placeholder}
        hint={text.hint}
        value={library[field] ?? ''}
        onChange={(value) => onChange(withField(library, field, value))}
      />
      {errorFor(field === 'accessKeyId' ? 'account' : field)}
    </div>
  );

  return (
    <fieldset className="settings-group" disabled={disabled} data-testid="library-settings">
      <legend>Where the library lives</legend>
      <p className="field-hint">
        The library is what Quire indexed: passages, vectors, documents and collections. Settings,
        keys and conversations stay on this computer. A change applies when Quire next starts.
      </p>
      {status && (
        <p className="library-now" data-testid="library-now">
          <Icon name={objectStoreOf(status.uri) ? 'cloud' : 'folder'} size={14} />
          <span>
            Open now: <code>{status.uri}</code>
            {status.readOnly && <span className="pill">read-only</span>}
            {openLibraryNote(status) && (
              <span className="library-now-note"> {openLibraryNote(status)}</span>
            )}
          </span>
        </p>
      )}
      {status?.problem && (
        <div className="callout callout-warn" role="alert">
          <Icon name="alert" />
          <p className="callout-text">{status.problem}</p>
        </div>
      )}
      {libraryPending(info?.pendingRestart) && (
        <div className="callout" role="status" data-testid="library-pending">
          <Icon name="refresh" />
          <p className="callout-text">
            Saved. Quire opens this library when it next starts; until then it uses the one above.
          </p>
        </div>
      )}
      <div className="choice-grid" role="radiogroup" aria-label="Where the library lives">
        {OPTIONS.map((o) => (
          <label key={o.kind} className={kind === o.kind ? 'choice selected' : 'choice'}>
            <input
              type="radio"
              name="library-kind"
              value={o.kind}
              checked={kind === o.kind}
              onChange={() => switchTo(o.kind)}
            />
            <span className="choice-title">{o.title}</span>
            <span className="choice-text">{o.text}</span>
          </label>
        ))}
      </div>
      {kind === 'folder' && (
        <>
          <TextField
            label="Folder"
            value={library.location}
            placeholder="/home/me/Quire library"
            hint="Its full path on the computer that runs Quire. An empty folder becomes a new library."
            onChange={(location) => onChange({ ...library, location })}
            action={
              pick && (
                <BrowseButton
                  pick={pick}
                  kind="folder"
                  onPicked={(location) => onChange({ ...library, location })}
                />
              )
            }
          />
          {errorFor('location')}
        </>
      )}
      {kind === 'bucket' && (
        <>
          <TextField
            label="Address"
            value={library.location}
            placeholder="s3://my-bucket/quire"
            hint="s3://bucket/prefix or az://container/prefix. An empty prefix becomes a new library when Quire next starts."
            onChange={(location) => onChange({ ...library, location })}
          />
          {errorFor('location')}
          {words.hasRegion ? (
            <div className="field-grid">
              {optionalField('endpoint', words.endpoint)}
              {optionalField('region', {
                label: 'Region',
                placeholder: 'us-east-1',
                hint: 'Empty: AWS_REGION, else us-east-1. R2 takes auto.',
              })}
            </div>
          ) : (
            optionalField('endpoint', words.endpoint)
          )}
          {optionalField('accessKeyId', words.keyId)}
          <LibrarySecretField
            stored={status?.secretStored ?? false}
            backend={info?.secretBackend ?? 'keychain'}
            typed={secret}
            onTyped={setSecret}
            hint={secretHint(library, status?.secretStored ?? false, secret.trim() !== '')}
            words={words}
          />
        </>
      )}
      {kind !== 'default' && (
        <Switch
          label="Open read-only (another computer writes)"
          checked={library.readOnly}
          hint={
            kind === 'bucket'
              ? "Opens without the writer's lease: one computer adds documents, this one searches them and sees what is added within seconds."
              : 'Another Quire writes this folder; this one searches it and sees what is added.'
          }
          onChange={(readOnly) => onChange({ ...library, readOnly })}
        />
      )}
      {kind === 'bucket' && (
        <Switch
          label="Allow plain HTTP (trusted network only)"
          checked={library.allowHttp}
          hint="For a service on a private network you trust: http sends the library and request signatures unencrypted. One on this computer (127.0.0.1) needs no permission."
          onChange={(allowHttp) => onChange({ ...library, allowHttp })}
        />
      )}
      {kind !== 'default' && (
        <div className="field">
          <div className="field-row library-check">
            <button
              type="button"
              className="btn"
              disabled={problem !== null || shownCheck?.state === 'checking'}
              onClick={() => void runCheck()}
            >
              {shownCheck?.state === 'checking' ? <Spinner /> : <Icon name="check" />} Check
            </button>
            <span className="field-hint">
              {kind === 'bucket'
                ? `Reaches the ${words.place} with these keys and looks for a library. Writes nothing.`
                : 'Looks for a library in the folder. Writes nothing.'}
            </span>
          </div>
          {shownCheck?.state === 'done' && (
            <div
              className={shownCheck.ok ? 'callout callout-ok' : 'callout callout-warn'}
              role="status"
              data-testid="library-check"
            >
              <Icon name={shownCheck.ok ? 'check' : 'alert'} />
              <p className="callout-text">{shownCheck.text}</p>
            </div>
          )}
        </div>
      )}
    </fieldset>
  );
}
