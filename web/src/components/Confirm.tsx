import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/** A destructive action's dialog: the project's name must be typed before the button enables. */
export function TypedConfirm({
  open,
  title,
  expected,
  children,
  action,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  expected: string;
  children: ReactNode;
  action: string;
  onConfirm(): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const id = useId();
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setTyped("");
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby={`${id}-title`} className="confirm">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === expected) onConfirm();
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
        <label htmlFor={`${id}-input`}>
          Type <strong>{expected}</strong> to confirm
        </label>
        <input id={`${id}-input`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" autoFocus />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Keep it
          </button>
          <button type="submit" className="danger" disabled={typed !== expected}>
            {action}
          </button>
        </div>
      </form>
    </dialog>
  );
}
