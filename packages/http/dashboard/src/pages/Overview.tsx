import { api, type Overview, type QueueJson } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { ThroughputChart } from '../components/ThroughputChart.js';
import { count } from '../format.js';
import { jobsHref } from '../router.js';
import { STATES } from '../states.js';
import type { ThroughputPoint } from '../throughput.js';
import { useUi } from '../ui.js';

export function OverviewPage(props: {
  overview: Overview | undefined;
  error: Error | undefined;
  points: ThroughputPoint[];
  refresh: () => void;
}) {
  const { overview } = props;
  return (
    <section>
      <ErrorNote error={props.error} />
      <div class="cards">
        {STATES.map((state) => (
          <a key={state} class={`card card-${state}`} href={jobsHref({ state })} data-total={state}>
            <span class="card-label">{state}</span>
            <span class="card-value">{overview ? count(overview.totals[state] ?? 0) : '…'}</span>
          </a>
        ))}
      </div>
      <div class="panel">
        <h2>Throughput</h2>
        <ThroughputChart points={props.points} />
      </div>
      <div class="panel">
        <h2>Queues</h2>
        {overview && overview.queues.length === 0 && <p class="muted">No queue has any job yet.</p>}
        {overview && overview.queues.length > 0 && (
          <QueueTable queues={overview.queues} refresh={props.refresh} />
        )}
      </div>
    </section>
  );
}

function QueueTable(props: { queues: QueueJson[]; refresh: () => void }) {
  const ui = useUi();
  const toggle = async (queue: QueueJson) => {
    const pausing = !queue.paused;
    const done = await ui.act(
      {
        title: `${pausing ? 'Pause' : 'Resume'} queue "${queue.name}"?`,
        body: pausing
          ? 'Workers stop claiming jobs from this queue. Running jobs finish; new jobs keep queueing.'
          : 'Workers claim jobs from this queue again.',
        confirmLabel: pausing ? 'Pause queue' : 'Resume queue',
        danger: pausing,
      },
      () => (pausing ? api.pauseQueue(queue.name) : api.resumeQueue(queue.name)),
      `Queue "${queue.name}" ${pausing ? 'paused' : 'resumed'}.`,
    );
    if (done) props.refresh();
  };
  return (
    <table class="table queues">
      <thead>
        <tr>
          <th>Queue</th>
          {STATES.map((state) => (
            <th key={state} class="num">
              {state}
            </th>
          ))}
          {!ui.readOnly && <th class="actions" />}
        </tr>
      </thead>
      <tbody>
        {props.queues.map((queue) => (
          <tr key={queue.name} data-queue={queue.name}>
            <td>
              <a href={jobsHref({ queue: queue.name })} class="queue-name">
                {queue.name}
              </a>
              {queue.paused && <span class="badge badge-paused">paused</span>}
            </td>
            {STATES.map((state) => {
              const n = queue.counts[state] ?? 0;
              return (
                <td key={state} class="num" data-state={state}>
                  {n === 0 ? (
                    <span class="zero">0</span>
                  ) : (
                    <a class={`count state-text-${state}`} href={jobsHref({ queue: queue.name, state })}>
                      {count(n)}
                    </a>
                  )}
                </td>
              );
            })}
            {!ui.readOnly && (
              <td class="actions">
                <button type="button" class="btn btn-small" onClick={() => toggle(queue)}>
                  {queue.paused ? 'Resume' : 'Pause'}
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
