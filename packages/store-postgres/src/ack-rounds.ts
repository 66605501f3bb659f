import type { Ack } from '@docket/core';

/**
 * Splits a batch of acks into the json arguments of `acknowledge()` calls.
 * One UPDATE applies at most one ack per row, so a repeated id goes to a
 * later round (where it finds the job moved on, and reports false). `i` is
 * each ack's index in the batch, for the per-ack result.
 */
export function ackRounds(acks: readonly Ack[]): string[] {
  const rounds: Record<string, unknown>[][] = [];
  const seen = new Map<string, number>();
  acks.forEach((ack, i) => {
    const round = seen.get(ack.id) ?? 0;
    seen.set(ack.id, round + 1);
    if (rounds[round] === undefined) rounds[round] = [];
    rounds[round]!.push(ackRow(i, ack));
  });
  return rounds.map((round) => JSON.stringify(round));
}

/** The json shape the acknowledge statement reads. */
function ackRow(i: number, ack: Ack): Record<string, unknown> {
  switch (ack.type) {
    case 'complete':
      return { i, type: ack.type, id: ack.id, token: ack.token, result: ack.result };
    case 'fail':
      return {
        i,
        type: ack.type,
        id: ack.id,
        token: ack.token,
        error: ack.error,
        retry_at: ack.retryAt,
        require_expired: ack.requireExpired ?? false,
      };
    case 'snooze':
      return { i, type: ack.type, id: ack.id, token: ack.token, run_at: ack.runAt };
    case 'cancel':
      return { i, type: ack.type, id: ack.id, token: ack.token, reason: ack.reason };
    case 'release':
      return { i, type: ack.type, id: ack.id, token: ack.token };
  }
}
