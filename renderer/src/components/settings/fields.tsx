import { useId, type ReactNode } from 'react';
import type { PickKind, QuireBridge } from '../../../../shared/bridge';
import { Icon } from '../ui/Icon';

export function TextField({
  label,
  value,
  onChange,
  placeholder,
  hint,
  action,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  hint?: string;
  action?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="field-row">
        <input
          id={id}
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
        {action}
      </div>
      {hint && <p className="field-hint">{hint}</p>}
    </div>
  );
}

type NumberFieldProps = {
  label: string;
  min: number;
  max: number;
  step?: number;
  hint?: string;
};

export function NumberField({
  value,
  onChange,
  ...field
}: NumberFieldProps & { value: number; onChange: (value: number) => void }) {
  return (
    <NumberInput
      {...field}
      value={value}
      onChange={(n) => {
        if (n !== undefined) onChange(n);
      }}
    />
  );
}

/** A number that may be left empty, meaning "decide for me" (the placeholder says how). */
export function OptionalNumberField(
  props: NumberFieldProps & {
    value: number | undefined;
    placeholder: string;
    onChange: (value: number | undefined) => void;
  },
) {
  return <NumberInput {...props} />;
}

/** The one number input; an empty or unreadable entry comes out as undefined. */
function NumberInput({
  label,
  value,
  min,
  max,
  step = 1,
  placeholder,
  hint,
  onChange,
}: NumberFieldProps & {
  value: number | undefined;
  placeholder?: string;
  onChange: (value: number | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="field field-narrow">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        step={step}
        placeholder={placeholder}
        value={value ?? ''}
        onChange={(e) => {
          const n = e.target.valueAsNumber;
          onChange(Number.isFinite(n) ? n : undefined);
        }}
      />
      {hint && <p className="field-hint">{hint}</p>}
    </div>
  );
}

export function RangeField({
  label,
  value,
  min,
  max,
  step,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (value: number) => void;
}) {
  const id = useId();
  return (
    <div className="field field-range">
      <label className="field-label" htmlFor={id}>
        {label} <output htmlFor={id}>{value.toFixed(1)}</output>
      </label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(e.target.valueAsNumber)}
      />
    </div>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  const id = useId();
  return (
    <div className="field field-narrow">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A checkbox that looks and announces like a switch. */
export function Switch({
  label,
  checked,
  hint,
  onChange,
}: {
  label: string;
  checked: boolean;
  hint?: string;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="field field-switch">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {hint && <p className="field-hint">{hint}</p>}
    </div>
  );
}

/** A field's error, announced as it appears; nothing while there is none. */
export function FieldError({ error }: { error: string | null | undefined }) {
  return error ? (
    <p className="field-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Browse… in the desktop's own open dialog; `onPicked` gets the first path chosen, if any. */
export function BrowseButton({
  pick,
  kind,
  onPicked,
}: {
  pick: NonNullable<QuireBridge['pickPaths']>;
  kind: PickKind;
  onPicked: (path: string) => void;
}) {
  return (
    <button
      type="button"
      className="btn"
      onClick={() => void pick(kind).then(([path]) => path && onPicked(path))}
    >
      Browse…
    </button>
  );
}

/**
 * The input of a write-only secret: what is stored never comes back, so a stored one shows as
 * dots. Its status line is `${id}-status` (see SecretStatus).
 */
export function SecretInput({
  id,
  stored,
  placeholder,
  value,
  disabled,
  onChange,
}: {
  id: string;
  stored: boolean;
  /** While nothing is stored. */
  placeholder: string;
  value: string;
  disabled?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <input
      id={id}
      type="password"
      autoComplete="off"
      spellCheck={false}
      placeholder={stored ? '•••••••• (stored; type to replace)' : placeholder}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value)}
      aria-describedby={`${id}-status`}
    />
  );
}

/** Whether a write-only secret is stored, and where: the status line of a SecretInput. */
export function SecretStatus({
  id,
  stored,
  ok,
  testId,
  children,
}: {
  id: string;
  stored: boolean;
  /** Shown as fine (stored where it lasts). */
  ok: boolean;
  testId: string;
  children: ReactNode;
}) {
  return (
    <p
      className={ok ? 'field-hint field-ok' : 'field-hint'}
      id={`${id}-status`}
      data-testid={testId}
    >
      <Icon name={stored ? 'lock' : 'alert'} size={12} />
      {children}
    </p>
  );
}
