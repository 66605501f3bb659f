// The OpenAPI 3.1 document of the API, written by hand. A test checks that
// its paths and methods are exactly the router's, so it cannot drift.

const STATES = ['waiting', 'scheduled', 'ready', 'active', 'retrying', 'completed', 'failed', 'cancelled'];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra });
const isoTime = { type: 'string', format: 'date-time' };

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const error = (description: string) => ({ description, ...json(ref('Error')) });

const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', maxLength: 128 },
});
const jobId = pathParam('id', 'The job id.');
const queueName = pathParam('queue', 'The queue name.');
const scheduleName = pathParam('name', 'The schedule name.');

/** Errors every route may answer. */
const common = {
  '401': error('Missing or wrong bearer token.'),
  '500': error('Unexpected server or store failure.'),
};
/** Errors of every mutating route. */
const mutating = { ...common, '403': error('The API is read-only.') };

const jobAction = (operationId: string, summary: string, extra: object = {}) => ({
  post: {
    operationId,
    summary,
    tags: ['jobs'],
    parameters: [jobId],
    ...extra,
    responses: {
      '200': { description: 'The job after the action.', ...json(ref('Job')) },
      '400': error('Invalid job id.'),
      '404': error('No such job (`JOB_NOT_FOUND`).'),
      '409': error('The job is in a state that forbids the action (`INVALID_STATE`).'),
      ...mutating,
    },
  },
});

const scheduleAction = (operationId: string, summary: string) => ({
  post: {
    operationId,
    summary,
    tags: ['schedules'],
    parameters: [scheduleName],
    responses: {
      '200': { description: 'The schedule after the action.', ...json(ref('Schedule')) },
      '400': error('Invalid schedule name.'),
      '404': error('No such schedule (`SCHEDULE_NOT_FOUND`).'),
      ...mutating,
    },
  },
});

const queueAction = (operationId: string, summary: string, paused: boolean) => ({
  post: {
    operationId,
    summary,
    tags: ['queues'],
    parameters: [queueName],
    responses: {
      '200': {
        description: 'The queue is now ' + (paused ? 'paused.' : 'running.'),
        ...json({
          type: 'object',
          required: ['name', 'paused'],
          properties: { name: { type: 'string' }, paused: { const: paused } },
        }),
      },
      '400': error('Invalid queue name.'),
      ...mutating,
    },
  },
});

/** The OpenAPI 3.1 document served at `/api/openapi.json`. */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'docket',
    version: '0.0.0',
    description:
      'Inspect and operate a docket job queue. Every request needs `Authorization: Bearer <token>` unless the server was started without authentication. Errors are `{ "error": { "code", "message" } }`.',
  },
  security: [{ bearer: [] }],
  tags: [{ name: 'queues' }, { name: 'jobs' }, { name: 'schedules' }, { name: 'meta' }],
  paths: {
    '/api/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document.',
        tags: ['meta'],
        responses: {
          '200': { description: 'The OpenAPI 3.1 document.', ...json({ type: 'object' }) },
          ...common,
        },
      },
    },
    '/api/overview': {
      get: {
        operationId: 'getOverview',
        summary:
          'Every queue with its counts per state, the totals, and the server time. Counts are cached briefly.',
        tags: ['queues'],
        responses: { '200': { description: 'The overview.', ...json(ref('Overview')) }, ...common },
      },
    },
    '/api/queues': {
      get: {
        operationId: 'listQueues',
        summary: 'Every queue that has jobs or is paused, with counts per state.',
        tags: ['queues'],
        responses: {
          '200': {
            description: 'The queues, by name.',
            ...json({
              type: 'object',
              required: ['queues'],
              properties: { queues: { type: 'array', items: ref('Queue') } },
            }),
          },
          ...common,
        },
      },
    },
    '/api/queues/{queue}/pause': queueAction(
      'pauseQueue',
      'Stop workers from claiming jobs of the queue.',
      true,
    ),
    '/api/queues/{queue}/resume': queueAction(
      'resumeQueue',
      'Let workers claim jobs of the queue again.',
      false,
    ),
    '/api/jobs': {
      get: {
        operationId: 'listJobs',
        summary: 'One page of jobs, newest first by default, filtered by queue, state and task.',
        tags: ['jobs'],
        parameters: [
          { name: 'queue', in: 'query', schema: { type: 'string' } },
          { name: 'state', in: 'query', schema: { type: 'string', enum: STATES } },
          { name: 'task', in: 'query', schema: { type: 'string' } },
          {
            name: 'cursor',
            in: 'query',
            description: 'The `nextCursor` of the previous page.',
            schema: { type: 'string' },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          { name: 'order', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'], default: 'desc' } },
        ],
        responses: {
          '200': {
            description: 'A page of jobs.',
            ...json({
              type: 'object',
              required: ['jobs', 'nextCursor'],
              properties: { jobs: { type: 'array', items: ref('Job') }, nextCursor: nullable('string') },
            }),
          },
          '400': error('A bad query parameter (unknown, repeated, or out of range).'),
          ...common,
        },
      },
      post: {
        operationId: 'enqueueJob',
        summary: 'Enqueue a job of a task registered with the server.',
        tags: ['jobs'],
        requestBody: { required: true, ...json(ref('EnqueueRequest')) },
        responses: {
          '201': {
            description: 'Enqueued, or the existing job for a duplicate `id` or `unique.key`.',
            ...json({
              type: 'object',
              required: ['id', 'duplicate', 'state'],
              properties: {
                id: { type: 'string' },
                duplicate: { type: 'boolean' },
                state: { type: 'string', enum: STATES },
              },
            }),
          },
          '400': error(
            'Bad input: malformed JSON, unknown task (`UNKNOWN_TASK`), bad option (`INVALID_OPTION`, `INVALID_NAME`), schema failure (`VALIDATION_FAILED`), payload over the limit (`PAYLOAD_TOO_LARGE`).',
          ),
          '404': error('A `dependsOn` id does not exist (`JOB_NOT_FOUND`).'),
          '413': error('The request body is over the size limit.'),
          ...mutating,
        },
      },
    },
    '/api/jobs/{id}': {
      get: {
        operationId: 'getJob',
        summary: 'One job with its payload, result and the error of every failed attempt.',
        tags: ['jobs'],
        parameters: [jobId],
        responses: {
          '200': { description: 'The job.', ...json(ref('Job')) },
          '400': error('Invalid job id.'),
          '404': error('No such job (`JOB_NOT_FOUND`).'),
          ...common,
        },
      },
      delete: {
        operationId: 'removeJob',
        summary: 'Delete a job that is not running.',
        tags: ['jobs'],
        parameters: [jobId],
        responses: {
          '204': { description: 'Deleted.' },
          '400': error('Invalid job id.'),
          '404': error('No such job (`JOB_NOT_FOUND`).'),
          '409': error('The job is running (`INVALID_STATE`); cancel it first.'),
          ...mutating,
        },
      },
    },
    '/api/jobs/{id}/retry': jobAction('retryJob', 'Run a failed or cancelled job again.'),
    '/api/jobs/{id}/cancel': jobAction(
      'cancelJob',
      'Cancel a job that has not finished, and its dependents.',
      {
        requestBody: {
          required: false,
          ...json({
            type: 'object',
            additionalProperties: false,
            properties: { reason: { type: 'string' } },
          }),
        },
      },
    ),
    '/api/jobs/{id}/release': jobAction('releaseJob', 'Lift the hold of a job enqueued with `hold`.'),
    '/api/schedules': {
      get: {
        operationId: 'listSchedules',
        summary: 'Every schedule with its next and last run.',
        tags: ['schedules'],
        responses: {
          '200': {
            description: 'The schedules.',
            ...json({
              type: 'object',
              required: ['schedules'],
              properties: { schedules: { type: 'array', items: ref('Schedule') } },
            }),
          },
          ...common,
        },
      },
    },
    '/api/schedules/{name}': {
      delete: {
        operationId: 'removeSchedule',
        summary: 'Remove a schedule; the jobs it enqueued stay.',
        tags: ['schedules'],
        parameters: [scheduleName],
        responses: {
          '204': { description: 'Removed.' },
          '400': error('Invalid schedule name.'),
          '404': error('No such schedule (`SCHEDULE_NOT_FOUND`).'),
          ...mutating,
        },
      },
    },
    '/api/schedules/{name}/pause': scheduleAction(
      'pauseSchedule',
      'Stop the schedule from firing until resumed.',
    ),
    '/api/schedules/{name}/resume': scheduleAction('resumeSchedule', 'Let a paused schedule fire again.'),
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: {
                type: 'string',
                description:
                  'A docket error code (`INVALID_OPTION`, `JOB_NOT_FOUND`, …) or one of BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE, INTERNAL.',
              },
              message: { type: 'string' },
            },
          },
        },
      },
      StateCounts: {
        type: 'object',
        required: STATES,
        properties: Object.fromEntries(STATES.map((state) => [state, { type: 'integer', minimum: 0 }])),
      },
      Queue: {
        type: 'object',
        required: ['name', 'paused', 'counts'],
        properties: { name: { type: 'string' }, paused: { type: 'boolean' }, counts: ref('StateCounts') },
      },
      Overview: {
        type: 'object',
        required: ['queues', 'totals', 'time', 'countedAt', 'readOnly'],
        properties: {
          queues: { type: 'array', items: ref('Queue') },
          totals: ref('StateCounts'),
          time: isoTime,
          countedAt: {
            ...isoTime,
            description: 'When the counts were taken; older than `time` when cached.',
          },
          readOnly: { type: 'boolean', description: 'The server refuses every change (403).' },
        },
      },
      JobError: {
        type: 'object',
        required: ['attempt', 'at', 'message'],
        properties: {
          attempt: { type: 'integer' },
          at: isoTime,
          message: { type: 'string' },
          name: { type: 'string' },
          stack: { type: 'string' },
        },
      },
      Job: {
        type: 'object',
        required: [
          'id',
          'task',
          'queue',
          'state',
          'payload',
          'result',
          'priority',
          'attempts',
          'maxAttempts',
          'errors',
          'runAt',
          'createdAt',
          'startedAt',
          'finishedAt',
          'held',
          'dependsOn',
          'uniqueKey',
          'cancelReason',
          'workerId',
          'leaseExpiresAt',
        ],
        properties: {
          id: { type: 'string' },
          task: { type: 'string' },
          queue: { type: 'string' },
          state: { type: 'string', enum: STATES },
          payload: { description: 'The JSON payload; null once dropped by retention.' },
          result: { description: "The handler's JSON result once completed, else null." },
          priority: { type: 'integer' },
          attempts: { type: 'integer' },
          maxAttempts: { type: 'integer' },
          errors: { type: 'array', items: ref('JobError') },
          runAt: isoTime,
          createdAt: isoTime,
          startedAt: nullable('string', { format: 'date-time' }),
          finishedAt: nullable('string', { format: 'date-time' }),
          held: { type: 'boolean' },
          dependsOn: { type: 'array', items: { type: 'string' } },
          uniqueKey: nullable('string'),
          cancelReason: nullable('string'),
          workerId: nullable('string'),
          leaseExpiresAt: nullable('string', { format: 'date-time' }),
        },
      },
      Schedule: {
        type: 'object',
        required: [
          'name',
          'rule',
          'task',
          'queue',
          'payload',
          'options',
          'nextRunAt',
          'lastRunAt',
          'paused',
          'createdAt',
          'updatedAt',
        ],
        properties: {
          name: { type: 'string' },
          rule: {
            oneOf: [
              { type: 'object', required: ['every'], properties: { every: { type: 'integer' } } },
              {
                type: 'object',
                required: ['cron'],
                properties: { cron: { type: 'string' }, timezone: { type: 'string' } },
              },
            ],
          },
          task: { type: 'string' },
          queue: { type: 'string' },
          payload: {},
          options: {
            type: 'object',
            properties: {
              priority: { type: 'integer' },
              queue: { type: 'string' },
              maxAttempts: { type: 'integer' },
            },
          },
          nextRunAt: isoTime,
          lastRunAt: nullable('string', { format: 'date-time' }),
          paused: { type: 'boolean' },
          createdAt: isoTime,
          updatedAt: isoTime,
        },
      },
      EnqueueRequest: {
        type: 'object',
        required: ['task'],
        additionalProperties: false,
        properties: {
          task: { type: 'string' },
          payload: { description: 'Any JSON value; default null.' },
          options: {
            type: 'object',
            additionalProperties: false,
            properties: {
              delay: { type: 'number', minimum: 0, description: 'ms from now.' },
              runAt: {
                oneOf: [
                  { type: 'string', format: 'date-time' },
                  { type: 'number', description: 'epoch ms' },
                ],
              },
              priority: { type: 'integer' },
              queue: { type: 'string' },
              maxAttempts: { type: 'integer', minimum: 1 },
              unique: {
                type: 'object',
                required: ['key'],
                additionalProperties: false,
                properties: { key: { type: 'string' }, period: { type: 'number', minimum: 0 } },
              },
              dependsOn: { type: 'array', items: { type: 'string' } },
              hold: { type: 'boolean' },
              id: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;
