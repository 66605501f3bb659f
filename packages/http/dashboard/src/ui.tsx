import { type ComponentChildren, createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

/** A question asked before a change: what, to what, and how dangerous. */
export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
}

interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

export interface Ui {
  /** True when the server refuses changes (403, or `readOnly` in the overview). */
  readOnly: boolean;
  confirm: (request: ConfirmRequest) => Promise<boolean>;
  notify: (kind: Toast['kind'], text: string) => void;
  /** Asks, runs the change, reports the outcome; true when it was done. */
  act: (request: ConfirmRequest, run: () => Promise<unknown>, done: string) => Promise<boolean>;
}

const UiContext = createContext<Ui | null>(null);

export function useUi(): Ui {
  const ui = useContext(UiContext);
  if (!ui) throw new Error('useUi outside <UiProvider>');
  return ui;
}

export function UiProvider(props: {
  readOnly: boolean;
  onForbidden: () => void;
  children: ComponentChildren;
}) {
  const [pending, setPending] = useState<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const notify = useCallback((kind: Toast['kind'], text: string) => {
    const id = nextId.current++;
    setToasts((list) => [...list.slice(-3), { id, kind, text }]);
    setTimeout(
      () => setToasts((list) => list.filter((toast) => toast.id !== id)),
      kind === 'error' ? 8000 : 3500,
    );
  }, []);

  const confirm = useCallback(
    (request: ConfirmRequest) => new Promise<boolean>((resolve) => setPending({ ...request, resolve })),
    [],
  );

  const { onForbidden } = props;
  const act = useCallback(
    async (request: ConfirmRequest, run: () => Promise<unknown>, done: string) => {
      if (!(await confirm(request))) return false;
      try {
        await run();
        notify('ok', done);
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) onForbidden();
        notify('error', error instanceof Error ? error.message : String(error));
        return false;
      }
    },
    [confirm, notify, onForbidden],
  );

  const answer = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(null);
  };

  return (
    <UiContext.Provider value={{ readOnly: props.readOnly, confirm, notify, act }}>
      {props.children}
      {pending && <ConfirmDialog request={pending} onAnswer={answer} />}
      <div class="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} class={`toast toast-${toast.kind}`}>
            {toast.text}
          </div>
        ))}
      </div>
    </UiContext.Provider>
  );
}

function ConfirmDialog(props: { request: ConfirmRequest; onAnswer: (ok: boolean) => void }) {
  const { request, onAnswer } = props;
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmButton.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onAnswer(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onAnswer]);
  return (
    <div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{request.title}</h2>
        <p>{request.body}</p>
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={() => onAnswer(false)}>
            Cancel
          </button>
          <button
            type="button"
            ref={confirmButton}
            class={request.danger ? 'btn btn-danger' : 'btn btn-primary'}
            onClick={() => onAnswer(true)}
          >
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
