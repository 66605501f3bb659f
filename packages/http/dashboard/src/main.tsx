import './styles.css';
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, getToken, type Overview, onAuthError, setToken } from './api.js';
import { absolute, count, learnServerTime } from './format.js';
import { JobDetailPage } from './pages/JobDetail.js';
import { JobsPage } from './pages/Jobs.js';
import { LoginPage } from './pages/Login.js';
import { OverviewPage } from './pages/Overview.js';
import { SchedulesPage } from './pages/Schedules.js';
import { type Polled, usePoll } from './poll.js';
import { type Route, useRoute } from './router.js';
import { ThroughputHistory } from './throughput.js';
import { UiProvider } from './ui.js';

function App() {
  const route = useRoute();
  const [signedOut, setSignedOut] = useState(false);
  const [forbidden, setForbidden] = useState(false);
  // The overview is polled on every page: the header totals and the
  // throughput history keep running while the user looks at jobs.
  const overview = usePoll(() => api.overview(), 'overview', !signedOut);
  const history = useRef(new ThroughputHistory());
  const [, setSamples] = useState(0);

  useEffect(
    () =>
      onAuthError((error) => {
        if (error.status === 401) setSignedOut(true);
        else setForbidden(true);
      }),
    [],
  );
  useEffect(() => {
    if (!overview.data) return;
    learnServerTime(overview.data.time);
    history.current.add(overview.data);
    setSamples(history.current.points.length);
  }, [overview.data]);
  const onForbidden = useCallback(() => setForbidden(true), []);

  if (signedOut) {
    return (
      <LoginPage
        rejected={getToken() !== null}
        onSignedIn={() => {
          setSignedOut(false);
          overview.refresh();
        }}
      />
    );
  }
  const readOnly = forbidden || overview.data?.readOnly === true;
  const totals = overview.data?.totals;
  return (
    <UiProvider readOnly={readOnly} onForbidden={onForbidden}>
      <header class="topbar">
        <a class="brand" href="#/">
          <span class="brand-mark">▚</span> docket
        </a>
        <nav>
          <NavLink route={route} page="overview" href="#/" label="Queues" />
          <NavLink route={route} page="jobs" href="#/jobs" label="Jobs" />
          <NavLink route={route} page="schedules" href="#/schedules" label="Schedules" />
        </nav>
        <div class="topbar-right">
          {totals && (
            <span class="topbar-stats">
              <span>
                <b>{count(totals.active)}</b> active
              </span>
              <span>
                <b>{count(totals.ready)}</b> ready
              </span>
              <span class={totals.failed > 0 ? 'has-failed' : ''}>
                <b>{count(totals.failed)}</b> failed
              </span>
            </span>
          )}
          {readOnly && <span class="badge badge-readonly">read-only</span>}
          <span
            class={`live ${overview.error ? 'live-down' : ''}`}
            title={overview.data ? `Server time ${absolute(overview.data.time)}` : ''}
          >
            {overview.error ? 'offline' : 'live'}
          </span>
          {getToken() && (
            <button
              type="button"
              class="btn btn-small btn-ghost"
              onClick={() => {
                setToken(null);
                setSignedOut(true);
              }}
            >
              Sign out
            </button>
          )}
        </div>
      </header>
      <main class="content">
        <Page route={route} overview={overview} points={history.current.points} />
      </main>
    </UiProvider>
  );
}

function NavLink(props: { route: Route; page: Route['page']; href: string; label: string }) {
  const active = props.route.page === props.page || (props.page === 'jobs' && props.route.page === 'job');
  return (
    <a href={props.href} class={active ? 'active' : ''}>
      {props.label}
    </a>
  );
}

function Page(props: { route: Route; overview: Polled<Overview>; points: ThroughputHistory['points'] }) {
  const { route, overview } = props;
  const error =
    overview.error instanceof ApiError && overview.error.status === 401 ? undefined : overview.error;
  switch (route.page) {
    case 'jobs':
      return <JobsPage params={route.params} overview={overview.data} />;
    case 'job':
      return <JobDetailPage id={route.id} />;
    case 'schedules':
      return <SchedulesPage />;
    default:
      return (
        <OverviewPage
          overview={overview.data}
          error={error}
          points={props.points}
          refresh={overview.refresh}
        />
      );
  }
}

render(<App />, document.getElementById('app')!);
