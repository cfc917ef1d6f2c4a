import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";

const FOCUSABLE = 'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';

interface Props {
  title: string;
  message: string;
  /** More to read or fill in, between the message and the buttons (a table, a password field). */
  children?: ReactNode;
  confirmLabel: string;
  /** The confirmed action runs: both buttons wait. */
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal confirmation. Cancel has the focus first (the safe choice); Esc or a click outside
 * cancels; Tab stays inside the dialog (between the buttons and any field in it); focus goes back
 * where it was when it closes.
 */
export function ConfirmDialog({ title, message, children, confirmLabel, busy = false, onConfirm, onCancel }: Props) {
  const id = useId();
  const cancelRef = useRef<HTMLButtonElement | null>(null);
  const confirmRef = useRef<HTMLButtonElement | null>(null);
  const cancel = useRef(onCancel);
  cancel.current = onCancel;
  const busyRef = useRef(busy);
  busyRef.current = busy;

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelRef.current?.focus();
    function onKeyDown(event: globalThis.KeyboardEvent) {
      if (event.key !== "Escape") return;
      event.preventDefault();
      event.stopPropagation();
      if (!busyRef.current) cancel.current();
    }
    document.addEventListener("keydown", onKeyDown, true);
    return () => {
      document.removeEventListener("keydown", onKeyDown, true);
      if (before?.isConnected) before.focus();
    };
  }, []);

  function trapTab(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "Tab") return;
    event.preventDefault();
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const step = event.shiftKey ? -1 : 1;
    const next = at === -1 ? cancelRef.current : items[(at + step + items.length) % items.length];
    next?.focus();
  }

  return (
    <div
      className="dialog-backdrop"
      data-testid="confirm-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget && !busy) onCancel();
      }}
    >
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-message`}
        data-testid="confirm-dialog"
        onKeyDown={trapTab}
      >
        <h2 id={`${id}-title`} className="dialog__title">
          {title}
        </h2>
        <p id={`${id}-message`} className="dialog__message" data-testid="confirm-message">
          {message}
        </p>
        {children}
        <div className="dialog__actions">
          <button
            type="button"
            ref={cancelRef}
            className="button"
            data-testid="confirm-cancel"
            aria-disabled={busy}
            onClick={() => {
              if (!busy) onCancel();
            }}
          >
            Cancel
          </button>
          <button
            type="button"
            ref={confirmRef}
            className="button button--danger"
            data-testid="confirm-ok"
            aria-disabled={busy}
            aria-busy={busy}
            onClick={() => {
              if (!busy) onConfirm();
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
