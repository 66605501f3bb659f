import { useEffect, useState } from 'preact/hooks';
import { api, type JobJson, type ListJobsQuery, type Overview } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { StateBadge } from '../components/StateBadge.js';
import { Time } from '../components/Time.js';
import { count } from '../format.js';
import { usePoll } from '../poll.js';
import { jobHref, jobsHref } from '../router.js';
import { STATES, type State } from '../states.js';

const PAGE_SIZE = 50;

/**
 * Jobs with filters from the URL (`#/jobs?queue=&state=&task=&order=`) and
 * cursor paging: "next" pushes the page's `nextCursor`, "previous" pops it, so
 * each page is one indexed request however many jobs there are.
 */
export function JobsPage(props: { params: URLSearchParams; overview: Overview | undefined }) {
  const filters = {
    queue: props.params.get('queue') ?? '',
    state: props.params.get('state') ?? '',
    task: props.params.get('task') ?? '',
    order: props.params.get('order') === 'asc' ? 'asc' : 'desc',
  } as const;
  const filterKey = JSON.stringify(filters);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [taskInput, setTaskInput] = useState(filters.task);
  useEffect(() => {
    setCursors([null]);
    setTaskInput(filters.task);
  }, [filterKey]);

  const cursor = cursors[cursors.length - 1] ?? null;
  const query: ListJobsQuery = {
    queue: filters.queue || undefined,
    state: (filters.state || undefined) as ListJobsQuery['state'],
    task: filters.task || undefined,
    order: filters.order,
    limit: PAGE_SIZE,
    cursor: cursor ?? undefined,
  };
  const page = usePoll(() => api.jobs(query), JSON.stringify(query));

  const go = (change: Partial<Record<keyof typeof filters, string>>) => {
    location.hash = jobsHref({
      ...filters,
      ...change,
      order: (change.order ?? filters.order) === 'asc' ? 'asc' : '',
    });
  };
  const queues = props.overview?.queues.map((queue) => queue.name) ?? [];
  // The cached overview counts give the size of a queue/state selection for
  // free; a task filter has no count, so none is shown.
  const total = filters.task ? undefined : selectionSize(props.overview, filters.queue, filters.state);
  if (filters.queue && !queues.includes(filters.queue)) queues.push(filters.queue);

  return (
    <section>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          go({ task: taskInput.trim() });
        }}
      >
        <label>
          Queue
          <select name="queue" value={filters.queue} onChange={(e) => go({ queue: e.currentTarget.value })}>
            <option value="">all queues</option>
            {queues.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          State
          <select name="state" value={filters.state} onChange={(e) => go({ state: e.currentTarget.value })}>
            <option value="">all states</option>
            {STATES.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </label>
        <label>
          Task
          <input
            name="task"
            type="search"
            placeholder="task name"
            value={taskInput}
            onInput={(e) => setTaskInput(e.currentTarget.value)}
            onBlur={() => taskInput.trim() !== filters.task && go({ task: taskInput.trim() })}
          />
        </label>
        <label>
          Order
          <select name="order" value={filters.order} onChange={(e) => go({ order: e.currentTarget.value })}>
            <option value="desc">newest first</option>
            <option value="asc">oldest first</option>
          </select>
        </label>
        {(filters.queue || filters.state || filters.task) && (
          <a class="btn btn-small" href="#/jobs">
            Clear
          </a>
        )}
      </form>
      <ErrorNote error={page.error} />
      <div class="panel panel-flush">
        <JobTable jobs={page.data?.jobs} />
      </div>
      <div class="pager">
        <button
          type="button"
          class="btn btn-small"
          disabled={cursors.length === 1}
          onClick={() => setCursors((stack) => stack.slice(0, -1))}
        >
          ← Previous
        </button>
        <span class="muted">
          Page {cursors.length}
          {total !== undefined &&
            ` of ${count(Math.max(1, Math.ceil(total / PAGE_SIZE)))} · ${count(total)} jobs`}
        </span>
        <button
          type="button"
          class="btn btn-small"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors((stack) => [...stack, page.data!.nextCursor])}
        >
          Next →
        </button>
      </div>
    </section>
  );
}

function selectionSize(overview: Overview | undefined, queue: string, state: string): number | undefined {
  if (!overview) return undefined;
  const counts = queue ? overview.queues.find((q) => q.name === queue)?.counts : overview.totals;
  if (!counts) return 0;
  if (state) return counts[state as State] ?? 0;
  return STATES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

function JobTable(props: { jobs: JobJson[] | undefined }) {
  if (!props.jobs) return <p class="muted pad">Loading…</p>;
  if (props.jobs.length === 0) return <p class="muted pad">No job matches these filters.</p>;
  return (
    <table class="table jobs">
      <thead>
        <tr>
          <th>Job</th>
          <th>Task</th>
          <th>Queue</th>
          <th>State</th>
          <th class="num">Attempts</th>
          <th class="num">Priority</th>
          <th>Created</th>
          <th>Run at</th>
          <th>Finished</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody>
        {props.jobs.map((job) => {
          const lastError = job.errors[job.errors.length - 1];
          return (
            <tr key={job.id} data-job={job.id} data-state={job.state}>
              <td class="mono">
                <a href={jobHref(job.id)}>{job.id.length > 40 ? `${job.id.slice(0, 40)}…` : job.id}</a>
              </td>
              <td>{job.task}</td>
              <td>{job.queue}</td>
              <td>
                <StateBadge state={job.state} />
                {job.held && <span class="badge badge-held">held</span>}
              </td>
              <td class="num">
                {job.attempts}/{job.maxAttempts}
              </td>
              <td class="num">{job.priority}</td>
              <td>
                <Time at={job.createdAt} />
              </td>
              <td>
                <Time at={job.runAt} />
              </td>
              <td>
                <Time at={job.finishedAt} />
              </td>
              <td class="error-cell" title={lastError?.message}>
                {lastError?.message ?? ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
