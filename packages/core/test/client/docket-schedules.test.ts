import { describe, expect, it } from 'vitest';
import {
  InvalidNameError,
  InvalidOptionError,
  ScheduleNotFoundError,
  UnknownTaskError,
  ValidationError,
} from '../../src/errors.js';
import { makeDocket, report, sendEmail } from './docket-fixture.js';

const MINUTE = 60_000;

describe('Docket schedules', () => {
  it('stores an every-rule with payload, options and the next tick', async () => {
    const { docket, clock } = await makeDocket();
    clock.set(Date.UTC(2030, 0, 1, 0, 0, 30));
    const schedule = await docket.schedule('heartbeat', { every: MINUTE }, report, { n: 1 }, { priority: 5 });
    expect(schedule).toMatchObject({
      name: 'heartbeat',
      rule: { every: MINUTE },
      task: 'report',
      queue: 'default',
      payload: { n: 1 },
      options: { priority: 5 },
      nextRunAt: new Date(Date.UTC(2030, 0, 1, 0, 1, 0)),
      lastRunAt: null,
      paused: false,
    });
    expect(await docket.getSchedule('heartbeat')).toEqual(schedule);
    expect(await docket.listSchedules()).toEqual([schedule]);
  });

  it('stores a cron rule in a time zone with the task queue or the overridden one', async () => {
    const { docket, clock } = await makeDocket();
    clock.set(Date.UTC(2030, 0, 1, 12, 0, 0));
    const schedule = await docket.schedule(
      'nightly',
      { cron: '0 3 * * *', timezone: 'Europe/Paris' },
      'send-email',
      { to: 'ops@example.com' },
    );
    // 03:00 in Paris in January is 02:00 UTC, the next day.
    expect(schedule.nextRunAt).toEqual(new Date(Date.UTC(2030, 0, 2, 2, 0, 0)));
    expect(schedule).toMatchObject({
      rule: { cron: '0 3 * * *', timezone: 'Europe/Paris' },
      queue: 'emails',
      options: {},
    });
    const moved = await docket.schedule(
      'nightly-2',
      { cron: '0 3 * * *' },
      sendEmail,
      { to: 'a@b.co' },
      { queue: 'ops' },
    );
    expect(moved).toMatchObject({ queue: 'ops', options: { queue: 'ops' }, rule: { timezone: 'UTC' } });
  });

  it('keeps the next tick when re-declared with the same rule, and takes a changed rule', async () => {
    const { docket, clock } = await makeDocket();
    const first = await docket.schedule('s', { every: 10 * MINUTE }, report, 1);
    clock.advance(MINUTE);
    const again = await docket.schedule('s', { every: 10 * MINUTE }, report, 2);
    expect(again.nextRunAt).toEqual(first.nextRunAt);
    expect(again.payload).toBe(2);
    const changed = await docket.schedule('s', { every: MINUTE }, report, 2);
    expect(changed.rule).toEqual({ every: MINUTE });
    expect(changed.nextRunAt.getTime()).toBe(Math.floor(clock.now() / MINUTE) * MINUTE + MINUTE);
    expect(await docket.listSchedules()).toHaveLength(1);
  });

  it('pauses, resumes and unschedules; a pause survives re-declaration', async () => {
    const { docket } = await makeDocket();
    await docket.schedule('s', { every: MINUTE }, report, 1);
    await docket.pauseSchedule('s');
    expect((await docket.getSchedule('s'))!.paused).toBe(true);
    await docket.schedule('s', { every: MINUTE }, report, 1);
    expect((await docket.getSchedule('s'))!.paused).toBe(true);
    await docket.resumeSchedule('s');
    expect((await docket.getSchedule('s'))!.paused).toBe(false);
    await docket.unschedule('s');
    expect(await docket.getSchedule('s')).toBeNull();
    expect(await docket.listSchedules()).toEqual([]);
  });

  it.each(['unschedule', 'pauseSchedule', 'resumeSchedule'] as const)(
    '%s of an unknown schedule throws ScheduleNotFoundError',
    async (action) => {
      const { docket } = await makeDocket();
      const error = await docket[action]('ghost').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScheduleNotFoundError);
      expect((error as ScheduleNotFoundError).code).toBe('SCHEDULE_NOT_FOUND');
      await expect(docket[action]('bad name')).rejects.toThrow(InvalidNameError);
    },
  );

  describe('writes nothing when it rejects', () => {
    const cases: Array<[string, unknown[], new (...a: any[]) => Error]> = [
      ['a bad schedule name', ['bad name', { every: MINUTE }, report, 1], InvalidNameError],
      ['an every below 1 s', ['s', { every: 999 }, report, 1], InvalidOptionError],
      ['a bad cron', ['s', { cron: '61 * * * *' }, report, 1], InvalidOptionError],
      [
        'an unknown time zone',
        ['s', { cron: '0 3 * * *', timezone: 'Mars/Base' }, report, 1],
        InvalidOptionError,
      ],
      ['both every and cron', ['s', { every: MINUTE, cron: '* * * * *' }, report, 1], InvalidOptionError],
      ['an unknown task', ['s', { every: MINUTE }, 'nope', 1], UnknownTaskError],
      ['a schema failure', ['s', { every: MINUTE }, sendEmail, { to: 'x' }], ValidationError],
      [
        'a job option schedules do not take',
        ['s', { every: MINUTE }, report, 1, { delay: 5 }],
        InvalidOptionError,
      ],
      ['a bad priority', ['s', { every: MINUTE }, report, 1, { priority: 0.5 }], InvalidOptionError],
      ['a bad queue', ['s', { every: MINUTE }, report, 1, { queue: 'a b' }], InvalidNameError],
    ];
    it.each(cases)('%s', async (_why, args, ErrorClass) => {
      const { docket } = await makeDocket();
      await expect((docket.schedule as (...a: unknown[]) => Promise<unknown>)(...args)).rejects.toThrow(
        ErrorClass,
      );
      expect(await docket.listSchedules()).toEqual([]);
    });
  });
});
