import type { ComponentChildren } from 'preact';
import { ApiError, api, type JobJson } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Json } from '../components/Json.js';
import { StateBadge } from '../components/StateBadge.js';
import { Time } from '../components/Time.js';
import { absolute, duration } from '../format.js';
import { usePoll } from '../poll.js';
import { jobHref, jobsHref } from '../router.js';
import { useUi } from '../ui.js';

const CANCELLABLE = new Set(['waiting', 'scheduled', 'ready', 'active', 'retrying']);
const RETRYABLE = new Set(['failed', 'cancelled']);

export function JobDetailPage(props: { id: string }) {
  const job = usePoll(() => api.job(props.id), props.id);
  const missing = job.error instanceof ApiError && job.error.status === 404;
  return (
    <section>
      <p class="crumbs">
        <a href="#/jobs">Jobs</a> / <span class="mono">{props.id}</span>
      </p>
      {missing ? (
        <div class="note">This job does not exist (it may have been deleted or cleaned up).</div>
      ) : (
        <ErrorNote error={job.error} />
      )}
      {job.data && !missing && <JobView job={job.data} refresh={job.refresh} />}
    </section>
  );
}

function JobView(props: { job: JobJson; refresh: () => void }) {
  const { job } = props;
  return (
    <>
      <div class="job-head">
        <h1>
          {job.task} <StateBadge state={job.state} />
          {job.held && <span class="badge badge-held">held</span>}
        </h1>
        <JobActions job={job} refresh={props.refresh} />
      </div>
      <div class="panel">
        <dl class="fields">
          <Field label="ID">
            <span class="mono">{job.id}</span>
          </Field>
          <Field label="Queue">
            <a href={jobsHref({ queue: job.queue })}>{job.queue}</a>
          </Field>
          <Field label="Attempts">
            {job.attempts} of {job.maxAttempts}
          </Field>
          <Field label="Priority">{job.priority}</Field>
          <Field label="Created">{absolute(job.createdAt)}</Field>
          <Field label="Run at">
            {absolute(job.runAt)} (<Time at={job.runAt} />)
          </Field>
          <Field label="Started">{absolute(job.startedAt)}</Field>
          <Field label="Finished">{absolute(job.finishedAt)}</Field>
          {job.workerId && <Field label="Worker">{job.workerId}</Field>}
          {job.leaseExpiresAt && (
            <Field label="Lease until">
              <Time at={job.leaseExpiresAt} />
            </Field>
          )}
          {job.uniqueKey && <Field label="Unique key">{job.uniqueKey}</Field>}
          {job.cancelReason && <Field label="Cancel reason">{job.cancelReason}</Field>}
          {job.dependsOn.length > 0 && (
            <Field label="Depends on">
              {job.dependsOn.map((id) => (
                <a key={id} class="mono dep" href={jobHref(id)}>
                  {id}
                </a>
              ))}
            </Field>
          )}
        </dl>
      </div>
      <div class="columns">
        <div class="panel">
          <h2>Payload</h2>
          <Json value={job.payload} empty="No payload (dropped by retention, or null)." />
        </div>
        <div class="panel">
          <h2>Result</h2>
          <Json value={job.result} empty={job.state === 'completed' ? 'null' : 'No result yet.'} />
        </div>
      </div>
      <div class="panel">
        <h2>Attempts</h2>
        <Timeline job={job} />
      </div>
    </>
  );
}

function Field(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** Creation, each failed attempt with its error, then the outcome. */
function Timeline(props: { job: JobJson }) {
  const { job } = props;
  const created = Date.parse(job.createdAt);
  const plural = job.attempts === 1 ? '' : 's';
  const outcome: Record<string, string> = {
    completed: `Attempt ${job.attempts} succeeded`,
    failed: `Failed after ${job.attempts} attempt${plural}`,
    cancelled: job.cancelReason ? `Cancelled: ${job.cancelReason}` : 'Cancelled',
    active: `Attempt ${job.attempts} running${job.workerId ? ` on ${job.workerId}` : ''}`,
    retrying: `Attempt ${job.attempts + 1} at ${absolute(job.runAt)}`,
    scheduled: `Runs at ${absolute(job.runAt)}`,
    ready: 'Waiting for a worker',
    waiting: job.held ? 'Held until released' : 'Waiting for its dependencies',
  };
  return (
    <ol class="timeline">
      <li class="tl tl-created">
        <span class="tl-when">{absolute(job.createdAt)}</span>
        <span class="tl-what">Enqueued</span>
      </li>
      {job.errors.map((error) => (
        <li key={`${error.attempt}-${error.at}`} class="tl tl-error" data-attempt={error.attempt}>
          <span class="tl-when">
            {absolute(error.at)}{' '}
            <span class="muted">(+{duration(Math.max(0, Date.parse(error.at) - created))})</span>
          </span>
          <span class="tl-what">
            Attempt {error.attempt} failed: <strong>{error.name ? `${error.name}: ` : ''}</strong>
            <span class="error-message">{error.message}</span>
          </span>
          {error.stack && (
            <details class="stack">
              <summary>Stack trace</summary>
              <pre>{error.stack}</pre>
            </details>
          )}
        </li>
      ))}
      <li class={`tl tl-${job.state}`}>
        <span class="tl-when">{absolute(job.finishedAt ?? job.startedAt ?? job.runAt)}</span>
        <span class="tl-what">
          <StateBadge state={job.state} /> {outcome[job.state] ?? job.state}
        </span>
      </li>
    </ol>
  );
}

function JobActions(props: { job: JobJson; refresh: () => void }) {
  const ui = useUi();
  const { job } = props;
  if (ui.readOnly) return <span class="badge badge-readonly">read-only</span>;
  const run = async (
    label: string,
    body: string,
    call: () => Promise<unknown>,
    done: string,
    danger = false,
    after: () => void = props.refresh,
  ) => {
    if (await ui.act({ title: `${label} this job?`, body, confirmLabel: `${label} job`, danger }, call, done))
      after();
  };
  return (
    <div class="actions-bar">
      {RETRYABLE.has(job.state) && (
        <button
          type="button"
          class="btn btn-primary"
          onClick={() =>
            run(
              'Retry',
              'The job goes back to ready and runs again.',
              () => api.retry(job.id),
              'Job queued for retry.',
            )
          }
        >
          Retry
        </button>
      )}
      {job.held && (
        <button
          type="button"
          class="btn"
          onClick={() =>
            run('Release', 'Lift the hold so the job can run.', () => api.release(job.id), 'Job released.')
          }
        >
          Release
        </button>
      )}
      {CANCELLABLE.has(job.state) && (
        <button
          type="button"
          class="btn btn-danger-outline"
          onClick={() =>
            run(
              'Cancel',
              'The job will not run (a running handler sees its signal abort). Jobs depending on it are cancelled too.',
              () => api.cancel(job.id),
              'Job cancelled.',
              true,
            )
          }
        >
          Cancel
        </button>
      )}
      <button
        type="button"
        class="btn btn-danger-outline"
        onClick={() =>
          run(
            'Delete',
            'The job and its history are removed for good.',
            () => api.remove(job.id),
            'Job deleted.',
            true,
            () => {
              location.hash = jobsHref({ queue: job.queue });
            },
          )
        }
      >
        Delete
      </button>
    </div>
  );
}
