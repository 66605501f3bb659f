-- enqueue.lua: inserts a batch of jobs, all or nothing (Storage.enqueue).
-- KEYS[1]  namespace hash tag, e.g. "{docket}" (every key is derived from it; see lib.lua)
-- ARGV[1]  now (ms)
-- ARGV[2]  number of jobs
-- ARGV[3…] per job, 15 fields then its dependencies:
--          id, task, queue, payload, priority, pk (priority ordering key), runAt, runAt as the ready
--          member's 15 digits (clamped, zero-padded), maxAttempts, hold (0/1), unique key,
--          has unique (0/1), unique period ('' = null), retention (compact, lib.lua),
--          number of dependencies, dependency ids…
-- Returns  { 'OK', id, duplicate (0/1), state, … } one triple per job in order,
--          or { 'NOTFOUND', dependency id } and nothing written.
-- Publishes the queues that got ready or scheduled jobs on K:wake.
local now = tonumber(ARGV[1])
local woken = {}
local out = enqueue_jobs(ARGV, 3, tonumber(ARGV[2]), now, woken)
publish(woken)
return out
