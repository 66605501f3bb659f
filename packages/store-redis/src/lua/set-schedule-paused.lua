-- set-schedule-paused.lua: pauses or resumes a schedule (Storage.setSchedulePaused).
-- KEYS[1]  namespace hash tag
-- ARGV     name, paused (0/1), now
-- Returns  1, or 0 if unknown. A paused schedule leaves K:sdue, so it is never due.
local name, paused, now = ARGV[1], ARGV[2], ARGV[3]
local key = sk(name)
local next_run = redis.call('HGET', key, 'nextRunAt')
if not next_run then return 0 end
redis.call('HSET', key, 'paused', paused, 'updatedAt', now)
if paused == '1' then
  redis.call('ZREM', SDUE, name)
else
  redis.call('ZADD', SDUE, next_run, name)
end
return 1
