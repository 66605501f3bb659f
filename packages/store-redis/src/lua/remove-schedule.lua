-- remove-schedule.lua: deletes a schedule (Storage.removeSchedule); its jobs are untouched.
-- KEYS[1]  namespace hash tag
-- ARGV     name
-- Returns  1 deleted, 0 unknown.
local name = ARGV[1]
redis.call('ZREM', SCHEDULES, name)
redis.call('ZREM', SDUE, name)
return redis.call('DEL', sk(name))
