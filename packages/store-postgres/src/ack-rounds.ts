import type { Ack } from '@docket/core';

/** One `acknowledge()` or `complete_jobs()` call of a batch. */
export interface AckRound {
  /** The batch index of each ack of this round, in order. */
  indexes: number[];
  /** Every ack of the round is a `complete`: the `complete_jobs()` fast path applies. */
  completeOnly: boolean;
  /** The json argument of `acknowledge()`. */
  json(): string;
}

/**
 * Splits a batch of acks into rounds, one statement each. One UPDATE applies
 * at most one ack per row, so a repeated id goes to a later round (where it
 * finds the job moved on, and reports false). `i` is each ack's index in the
 * batch, for the per-ack result.
 */
export function ackRounds(acks: readonly Ack[]): AckRound[] {
  const rounds: AckRound[] = [];
  const seen = new Map<string, number>();
  acks.forEach((ack, i) => {
    const r = seen.get(ack.id) ?? 0;
    seen.set(ack.id, r + 1);
    let round = rounds[r];
    if (round === undefined) {
      const indexes: number[] = [];
      round = rounds[r] = {
        indexes,
        completeOnly: true,
        json: () => JSON.stringify(indexes.map((k) => ackRow(k, acks[k]!))),
      };
    }
    round.indexes.push(i);
    if (ack.type !== 'complete') round.completeOnly = false;
  });
  return rounds;
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
