-- fire-schedule.lua: fires one tick of a schedule as a compare-and-set (Storage.fireSchedule).
-- KEYS[1]  namespace hash tag
-- ARGV     name, expectedNextRunAt, nextRunAt, now, then one job as enqueue.lua encodes jobs
-- Returns  { 'OK', outcome } (as enqueue.lua) when fired; {} when the schedule is missing, paused,
--          or its nextRunAt differs from the expected one (another instance fired that tick);
--          { 'NOTFOUND', dependency id } and nothing written if the job names a missing dependency.
local name, expected, next_run, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local key = sk(name)
local f = redis.call('HMGET', key, 'nextRunAt', 'paused')
if not f[1] or f[2] == '1' or tonumber(f[1]) ~= tonumber(expected) then return {} end
local woken = {}
local out = enqueue_jobs(ARGV, 5, now, woken)
if out[1] ~= 'OK' then return out end
redis.call('HSET', key, 'lastRunAt', ARGV[4], 'nextRunAt', next_run)
redis.call('ZADD', SDUE, next_run, name)
publish(woken)
return out
