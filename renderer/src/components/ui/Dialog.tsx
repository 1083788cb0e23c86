import { useEffect, useId, useRef, type ReactNode } from 'react';

type Props = {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Visible description under the title, also the dialog's accessible description. */
  description?: ReactNode;
  className?: string;
  /** The element to focus first; defaults to the first field or button. */
  initialFocus?: string;
};

/**
 * A modal on the native <dialog>: the browser traps focus, closes on Esc and marks the
 * rest of the page inert; focus returns to where it was when the dialog closes.
 */
export function Dialog({
  open,
  title,
  onClose,
  children,
  description,
  className,
  initialFocus,
}: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      const previous = document.activeElement as HTMLElement | null;
      dialog.showModal();
      const target = initialFocus
        ? dialog.querySelector<HTMLElement>(initialFocus)
        : dialog.querySelector<HTMLElement>('input, textarea, select, [data-autofocus]');
      target?.focus();
      return () => {
        if (dialog.open) dialog.close();
        previous?.focus?.();
      };
    }
    return undefined;
  }, [open, initialFocus]);

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop lands on the dialog element itself.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="dialog-body">
        <h2 className="dialog-title" id={titleId}>
          {title}
        </h2>
        {description && (
          <div className="dialog-description" id={descriptionId}>
            {description}
          </div>
        )}
        {children}
      </div>
    </dialog>
  );
}

export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  danger = false,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      title={title}
      description={description}
      onClose={onClose}
      initialFocus="[data-autofocus]"
    >
      <div className="dialog-actions">
        {/* A destructive action must not be one Enter away: there, Cancel takes the focus. */}
        <button
          type="button"
          className="btn"
          data-autofocus={danger || undefined}
          onClick={onClose}
        >
          Cancel
        </button>
        <button
          type="button"
          className={danger ? 'btn btn-danger' : 'btn btn-primary'}
          data-autofocus={!danger || undefined}
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
