import { useState } from 'react';
import type { DocumentInfo } from '../../../../shared/documents';
import { Dialog } from '../ui/Dialog';

/** Asks for a PDF's password; it goes to the core for this retry only and is never stored. */
export function PasswordDialog({
  doc,
  onSubmit,
  onClose,
}: {
  doc: DocumentInfo | null;
  onSubmit: (doc: DocumentInfo, password: string) => void;
  onClose: () => void;
}) {
  const [password, setPassword] = useState('');
  const wrong = doc?.error?.code === 'wrong_password';
  return (
    <Dialog
      open={doc !== null}
      title="Unlock PDF"
      onClose={() => {
        setPassword('');
        onClose();
      }}
      description={
        <>
          <strong>{doc?.name}</strong> is protected by a password.
          {wrong
            ? ' The last password was not right; try again.'
            : ' Enter it to index the document.'}
        </>
      }
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!doc || !password) return;
          onSubmit(doc, password);
          setPassword('');
          onClose();
        }}
      >
        <label className="field">
          <span className="field-label">Password</span>
          <input
            type="password"
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={wrong || undefined}
          />
        </label>
        <p className="field-hint">Quire uses the password to read the file and does not save it.</p>
        <div className="dialog-actions">
          <button
            type="button"
            className="btn"
            onClick={() => {
              setPassword('');
              onClose();
            }}
          >
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!password}>
            Unlock
          </button>
        </div>
      </form>
    </Dialog>
  );
}
