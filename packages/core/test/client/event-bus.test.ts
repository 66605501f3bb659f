import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/client/event-bus.js';
import { silentLogger } from '../../src/logger.js';

const stalled = { jobId: 'j', task: 't', queue: 'q', attempt: 1, willRetry: true };

describe('EventBus', () => {
  it('calls a once listener a single time per event it was added for', () => {
    const bus = new EventBus(silentLogger);
    const fn = vi.fn();
    bus.once('stalled', fn);
    bus.once('error', fn);
    bus.once('stalled', fn); // a second once for the same pair is the same registration
    bus.emit('stalled', stalled);
    bus.emit('stalled', stalled);
    bus.emit('error', { error: 'e', context: 'c' });
    bus.emit('error', { error: 'e', context: 'c' });
    expect(fn).toHaveBeenCalledTimes(2);
    expect(bus.count('stalled')).toBe(0);
    expect(bus.count('error')).toBe(0);
  });

  it('off removes a once listener of one event only', () => {
    const bus = new EventBus(silentLogger);
    const fn = vi.fn();
    bus.once('stalled', fn);
    bus.once('error', fn);
    bus.off('stalled', fn);
    bus.emit('stalled', stalled);
    bus.emit('error', { error: 'e', context: 'c' });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith({ error: 'e', context: 'c' });
  });

  it('lets a listener remove itself or another during an emit without skipping the rest', () => {
    const bus = new EventBus(silentLogger);
    const calls: string[] = [];
    const b = () => calls.push('b');
    const a = () => {
      calls.push('a');
      bus.off('stalled', a);
      bus.off('stalled', b);
    };
    bus.on('stalled', a);
    bus.on('stalled', b);
    bus.emit('stalled', stalled);
    bus.emit('stalled', stalled);
    expect(calls).toEqual(['a', 'b']);
  });

  it('calls a listener added during an emit from the next emit on, and a removed one never again', () => {
    const bus = new EventBus(silentLogger);
    const calls: string[] = [];
    const late = () => calls.push('late');
    const first = () => {
      calls.push('first');
      bus.on('stalled', late);
    };
    bus.on('stalled', first);
    bus.emit('stalled', stalled);
    expect(calls).toEqual(['first']);
    bus.emit('stalled', stalled);
    expect(calls).toEqual(['first', 'first', 'late']);
    bus.off('stalled', first);
    bus.off('stalled', late);
    bus.emit('stalled', stalled);
    expect(calls).toEqual(['first', 'first', 'late']);
    bus.on('stalled', late);
    bus.emit('stalled', stalled);
    expect(calls).toEqual(['first', 'first', 'late', 'late']);
  });

  it('does nothing for an event without listeners', () => {
    const error = vi.fn();
    const bus = new EventBus({ ...silentLogger, error });
    expect(() => bus.emit('completed', { job: {} as never, result: 1, durationMs: 1 })).not.toThrow();
    expect(error).not.toHaveBeenCalled();
  });
});
