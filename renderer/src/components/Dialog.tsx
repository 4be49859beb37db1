// A modal dialog on the native <dialog> element: it traps focus, makes the page behind inert and
// closes on Escape, and its accessible name is its title.
import { type ReactNode, useEffect, useId, useRef } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
}

export function Dialog({ title, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        // Escape: let React state decide, so the dialog and the state never disagree.
        e.preventDefault();
        // A dialog opened from another (the interop disclosure from Settings) closes alone.
        e.stopPropagation();
        onClose();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

/** What went wrong, announced as it appears (role="alert"); nothing while `message` is null. */
export function DialogError({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <p role="alert" className="form-error">
      {message}
    </p>
  );
}

interface DialogAction {
  label: string;
  tone: 'primary' | 'danger';
  disabled?: boolean;
  /** Without it the button submits the dialog's form. */
  onClick?: () => void;
}

interface FooterProps {
  onCancel: () => void;
  /** "Cancel" unless told ("Close" where there is nothing to confirm). */
  cancelLabel?: string;
  /** Focus the cancel button on open: for a dialog whose action cannot be undone. */
  focusCancel?: boolean;
  action?: DialogAction;
}

/** The dialog's buttons: cancel first, then the action it asks for. */
export function DialogFooter({ onCancel, cancelLabel = 'Cancel', focusCancel, action }: FooterProps) {
  return (
    <div className="dialog-actions">
      <button type="button" className="button" onClick={onCancel} autoFocus={focusCancel}>
        {cancelLabel}
      </button>
      {action && (
        <button type={action.onClick ? 'button' : 'submit'} className={`button ${action.tone}`} disabled={action.disabled} onClick={action.onClick}>
          {action.label}
        </button>
      )}
    </div>
  );
}
