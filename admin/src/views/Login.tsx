/** The token form: the token is checked against the API, then kept for this browser session. */
import { useState } from 'preact/hooks';
import { ApiError, api, setToken } from '../api.js';

export function Login({ onLogin }: { onLogin: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    setToken(value.trim());
    try {
      await api('/admin/api/overview');
      onLogin();
    } catch (err) {
      setToken('');
      setError(err instanceof ApiError && err.status === 401 ? 'That token is not accepted.' : String(err));
    }
  };
  return (
    <form class="login" onSubmit={(e) => void submit(e)}>
      <h1>tusk-es admin</h1>
      <p>
        This server needs an API token (one of <code>server.auth.tokens</code>). It is kept for this browser tab only.
      </p>
      <input
        type="password"
        name="token"
        placeholder="API token"
        autocomplete="current-password"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        autofocus
      />
      <button type="submit">Log in</button>
      {error !== undefined ? (
        <div class="error" role="alert">
          {error}
        </div>
      ) : null}
    </form>
  );
}
