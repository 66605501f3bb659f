-- enqueue.lua: inserts a batch of jobs, all or nothing (Storage.enqueue).
-- KEYS[1]  namespace hash tag, e.g. "{docket}" (every key is derived from it; see lib.lua)
-- ARGV[1]  now (ms)
-- ARGV[2…] the jobs, as lib.lua enqueue_jobs reads them (encode.ts encodeJobs)
-- Returns  { 'OK', outcome, … } one per job in order: its state, or '<state>:<existing id>' when it
--          is a duplicate; or { 'NOTFOUND', dependency id } and nothing written.
-- Publishes the queues that got ready or scheduled jobs on K:wake.
local now = tonumber(ARGV[1])
local woken = {}
local out = enqueue_jobs(ARGV, 2, now, woken)
publish(woken)
return out
