import { api, type ScheduleJson } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Time } from '../components/Time.js';
import { duration } from '../format.js';
import { usePoll } from '../poll.js';
import { jobsHref } from '../router.js';
import { useUi } from '../ui.js';

function ruleText(rule: ScheduleJson['rule']): string {
  if ('every' in rule) return `every ${duration(rule.every)}`;
  return rule.timezone ? `${rule.cron} (${rule.timezone})` : rule.cron;
}

export function SchedulesPage() {
  const ui = useUi();
  const list = usePoll(() => api.schedules(), 'schedules');
  const schedules = list.data?.schedules;

  const toggle = async (schedule: ScheduleJson) => {
    const pausing = !schedule.paused;
    const done = await ui.act(
      {
        title: `${pausing ? 'Pause' : 'Resume'} schedule "${schedule.name}"?`,
        body: pausing
          ? 'No job is enqueued for its ticks until it is resumed.'
          : 'Its next tick enqueues a job again.',
        confirmLabel: pausing ? 'Pause schedule' : 'Resume schedule',
        danger: pausing,
      },
      () => (pausing ? api.pauseSchedule(schedule.name) : api.resumeSchedule(schedule.name)),
      `Schedule "${schedule.name}" ${pausing ? 'paused' : 'resumed'}.`,
    );
    if (done) list.refresh();
  };
  const remove = async (schedule: ScheduleJson) => {
    const done = await ui.act(
      {
        title: `Remove schedule "${schedule.name}"?`,
        body: 'The rule is deleted; jobs it already enqueued stay.',
        confirmLabel: 'Remove schedule',
        danger: true,
      },
      () => api.removeSchedule(schedule.name),
      `Schedule "${schedule.name}" removed.`,
    );
    if (done) list.refresh();
  };

  return (
    <section>
      <ErrorNote error={list.error} />
      <div class="panel panel-flush">
        {!schedules && <p class="muted pad">Loading…</p>}
        {schedules && schedules.length === 0 && <p class="muted pad">No schedule.</p>}
        {schedules && schedules.length > 0 && (
          <table class="table schedules">
            <thead>
              <tr>
                <th>Name</th>
                <th>Rule</th>
                <th>Task</th>
                <th>Queue</th>
                <th>Next run</th>
                <th>Last run</th>
                <th>Status</th>
                {!ui.readOnly && <th class="actions" />}
              </tr>
            </thead>
            <tbody>
              {schedules.map((schedule) => (
                <tr key={schedule.name} data-schedule={schedule.name}>
                  <td>
                    <strong>{schedule.name}</strong>
                  </td>
                  <td class="mono">{ruleText(schedule.rule)}</td>
                  <td>
                    <a href={jobsHref({ task: schedule.task })}>{schedule.task}</a>
                  </td>
                  <td>{schedule.queue}</td>
                  <td>{schedule.paused ? <span class="muted">—</span> : <Time at={schedule.nextRunAt} />}</td>
                  <td>
                    <Time at={schedule.lastRunAt} />
                  </td>
                  <td>
                    {schedule.paused ? (
                      <span class="badge badge-paused">paused</span>
                    ) : (
                      <span class="badge badge-active">active</span>
                    )}
                  </td>
                  {!ui.readOnly && (
                    <td class="actions">
                      <button type="button" class="btn btn-small" onClick={() => toggle(schedule)}>
                        {schedule.paused ? 'Resume' : 'Pause'}
                      </button>
                      <button
                        type="button"
                        class="btn btn-small btn-danger-outline"
                        onClick={() => remove(schedule)}
                      >
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
