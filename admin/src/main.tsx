/** The admin page: log in once, then one view per part of the running app (hash routes). */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, setToken, token } from './api.js';
import { route } from './nav.js';
import { ConfigView } from './views/ConfigView.js';
import { DeadLettersView } from './views/DeadLettersView.js';
import { LogView } from './views/LogView.js';
import { Login } from './views/Login.js';
import { OverviewView } from './views/OverviewView.js';
import { ProjectionsView } from './views/ProjectionsView.js';
import { SagasView } from './views/SagasView.js';
import { StreamsView } from './views/StreamsView.js';

const VIEWS = [
  ['overview', 'Overview'],
  ['streams', 'Streams'],
  ['log', 'Global log'],
  ['projections', 'Projections'],
  ['sagas', 'Sagas'],
  ['dead-letters', 'Dead letters'],
  ['config', 'Config'],
] as const;

function App() {
  const [auth, setAuth] = useState<'checking' | 'in' | 'out'>('checking');
  const [path, setPath] = useState(route());
  useEffect(() => {
    const onHash = () => setPath(route());
    const onUnauthorized = () => setAuth('out');
    window.addEventListener('hashchange', onHash);
    window.addEventListener('tusk-unauthorized', onUnauthorized);
    // A server without tokens lets us in at once; one with tokens needs the saved one to work.
    api<{ token_required: boolean }>('/admin/auth')
      .then((a) => (!a.token_required ? 'in' : token() === '' ? 'out' : api('/admin/api/overview').then(() => 'in' as const)))
      .then(
        (state) => setAuth(state),
        (e: unknown) => setAuth(e instanceof ApiError && e.status === 401 ? 'out' : 'in'),
      );
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('tusk-unauthorized', onUnauthorized);
    };
  }, []);
  if (auth === 'checking') return <div class="loading">Loading…</div>;
  if (auth === 'out') return <Login onLogin={() => setAuth('in')} />;
  const [view, ...rest] = path;
  return (
    <div class="shell">
      <nav>
        <div class="brand">tusk-es</div>
        {VIEWS.map(([id, label]) => (
          <a href={`#/${id}`} class={view === id ? 'active' : ''} data-view={id}>
            {label}
          </a>
        ))}
        {token() !== '' ? (
          <button
            class="link logout"
            onClick={() => {
              setToken('');
              setAuth('out');
            }}
          >
            Log out
          </button>
        ) : null}
      </nav>
      <main>{body(view ?? 'overview', rest)}</main>
    </div>
  );
}

function body(view: string, rest: string[]) {
  switch (view) {
    case 'streams':
      return <StreamsView type={rest[0]} id={rest[1]} />;
    case 'log':
      return <LogView />;
    case 'projections':
      return <ProjectionsView name={rest[0]} />;
    case 'sagas':
      return <SagasView name={rest[0]} id={rest[1]} />;
    case 'dead-letters':
      return <DeadLettersView />;
    case 'config':
      return <ConfigView />;
    default:
      return <OverviewView />;
  }
}

render(<App />, document.getElementById('app')!);
