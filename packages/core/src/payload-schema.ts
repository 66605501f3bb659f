import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ValidationError, type ValidationIssue } from './errors.js';
import type { TaskDefinition } from './task.js';

/**
 * Runs the task's Standard Schema, if any, on `payload` and returns the
 * schema's output (the payload itself when the task has no schema). Used at
 * enqueue and again before the handler runs. Throws `ValidationError` with the
 * validator's issues.
 */
export async function validatePayload(task: TaskDefinition<any, any>, payload: unknown): Promise<unknown> {
  if (!task.schema) return payload;
  const result = await task.schema['~standard'].validate(payload);
  if (result.issues) throw new ValidationError(task.name, toIssues(result.issues));
  return result.value;
}

function toIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path?.map((segment) => (typeof segment === 'object' ? segment.key : segment));
    return path?.length ? { message: issue.message, path } : { message: issue.message };
  });
}
