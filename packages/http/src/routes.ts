import { JobNotFoundError, ScheduleNotFoundError } from '@docket/core';
import type { OverviewJson } from './api-types.js';
import { parseCancelBody, parseEnqueueBody } from './enqueue-body.js';
import { toJobJson, toScheduleJson } from './json-view.js';
import { parseListQuery } from './list-query.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import type { Route, RouteContext, RouteResult } from './router.js';

const ok = (body: unknown): RouteResult => ({ status: 200, body });

async function scheduleOf(ctx: RouteContext, name: string): Promise<RouteResult> {
  const schedule = await ctx.docket.getSchedule(name);
  // Removed between the action and this read: report it as gone.
  if (!schedule) throw new ScheduleNotFoundError(name);
  return ok(toScheduleJson(schedule));
}

/**
 * The API, one entry per route. Every handler goes through the public
 * `Docket` API only, so every store is served the same way.
 */
export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    mutating: false,
    async handle() {
      return ok(OPENAPI_DOCUMENT);
    },
  },
  {
    method: 'GET',
    path: '/api/overview',
    operationId: 'getOverview',
    mutating: false,
    async handle(ctx) {
      const snapshot = await ctx.counts.get();
      const overview: OverviewJson = {
        ...snapshot,
        time: new Date(ctx.docket.clock.now()).toISOString(),
        readOnly: ctx.readOnly,
      };
      return ok(overview);
    },
  },
  {
    method: 'GET',
    path: '/api/queues',
    operationId: 'listQueues',
    mutating: false,
    async handle(ctx) {
      return ok({ queues: (await ctx.counts.get()).queues });
    },
  },
  {
    method: 'POST',
    path: '/api/queues/{queue}/pause',
    operationId: 'pauseQueue',
    mutating: true,
    async handle(ctx) {
      await ctx.docket.pauseQueue(ctx.params.queue!);
      ctx.counts.invalidate();
      return ok({ name: ctx.params.queue, paused: true });
    },
  },
  {
    method: 'POST',
    path: '/api/queues/{queue}/resume',
    operationId: 'resumeQueue',
    mutating: true,
    async handle(ctx) {
      await ctx.docket.resumeQueue(ctx.params.queue!);
      ctx.counts.invalidate();
      return ok({ name: ctx.params.queue, paused: false });
    },
  },
  {
    method: 'GET',
    path: '/api/jobs',
    operationId: 'listJobs',
    mutating: false,
    async handle(ctx) {
      const page = await ctx.docket.listJobs(parseListQuery(ctx.query));
      return ok({ jobs: page.jobs.map(toJobJson), nextCursor: page.nextCursor });
    },
  },
  {
    method: 'POST',
    path: '/api/jobs',
    operationId: 'enqueueJob',
    mutating: true,
    async handle(ctx) {
      const { task, payload, options } = parseEnqueueBody(await ctx.body());
      const outcome = await ctx.docket.enqueue(task, payload, options);
      return { status: 201, body: { id: outcome.id, duplicate: outcome.duplicate, state: outcome.state } };
    },
  },
  {
    method: 'GET',
    path: '/api/jobs/{id}',
    operationId: 'getJob',
    mutating: false,
    async handle(ctx) {
      const id = ctx.params.id!;
      const job = await ctx.docket.getJob(id);
      if (!job) throw new JobNotFoundError(id);
      return ok(toJobJson(job));
    },
  },
  {
    method: 'DELETE',
    path: '/api/jobs/{id}',
    operationId: 'removeJob',
    mutating: true,
    async handle(ctx) {
      await ctx.docket.remove(ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/api/jobs/{id}/retry',
    operationId: 'retryJob',
    mutating: true,
    async handle(ctx) {
      return ok(toJobJson(await ctx.docket.retry(ctx.params.id!)));
    },
  },
  {
    method: 'POST',
    path: '/api/jobs/{id}/cancel',
    operationId: 'cancelJob',
    mutating: true,
    async handle(ctx) {
      const reason = parseCancelBody(await ctx.body());
      return ok(toJobJson(await ctx.docket.cancel(ctx.params.id!, reason)));
    },
  },
  {
    method: 'POST',
    path: '/api/jobs/{id}/release',
    operationId: 'releaseJob',
    mutating: true,
    async handle(ctx) {
      return ok(toJobJson(await ctx.docket.release(ctx.params.id!)));
    },
  },
  {
    method: 'GET',
    path: '/api/schedules',
    operationId: 'listSchedules',
    mutating: false,
    async handle(ctx) {
      return ok({ schedules: (await ctx.docket.listSchedules()).map(toScheduleJson) });
    },
  },
  {
    method: 'POST',
    path: '/api/schedules/{name}/pause',
    operationId: 'pauseSchedule',
    mutating: true,
    async handle(ctx) {
      await ctx.docket.pauseSchedule(ctx.params.name!);
      return scheduleOf(ctx, ctx.params.name!);
    },
  },
  {
    method: 'POST',
    path: '/api/schedules/{name}/resume',
    operationId: 'resumeSchedule',
    mutating: true,
    async handle(ctx) {
      await ctx.docket.resumeSchedule(ctx.params.name!);
      return scheduleOf(ctx, ctx.params.name!);
    },
  },
  {
    method: 'DELETE',
    path: '/api/schedules/{name}',
    operationId: 'removeSchedule',
    mutating: true,
    async handle(ctx) {
      await ctx.docket.unschedule(ctx.params.name!);
      return { status: 204 };
    },
  },
];
