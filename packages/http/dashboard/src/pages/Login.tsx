import { useState } from 'preact/hooks';
import { ApiError, api, setToken } from '../api.js';

/** Asks for the API token once; it stays in this tab's sessionStorage. */
export function LoginPage(props: { onSignedIn: () => void; rejected: boolean }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState(props.rejected ? 'The saved token was rejected: enter it again.' : '');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setToken(value.trim());
    try {
      await api.overview();
      props.onSignedIn();
    } catch (caught) {
      setToken(null);
      setError(
        caught instanceof ApiError && caught.status === 401
          ? 'This token was rejected.'
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login">
      <form class="panel login-form" onSubmit={submit}>
        <h1>
          <span class="brand-mark">▚</span> docket
        </h1>
        <p class="muted">Enter the API token this server was started with. It is kept for this tab only.</p>
        <label>
          Token
          <input
            name="token"
            type="password"
            autocomplete="current-password"
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
            required
            autofocus
          />
        </label>
        {error && (
          <div class="note note-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </div>
  );
}
