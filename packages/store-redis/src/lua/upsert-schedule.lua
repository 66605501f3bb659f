-- upsert-schedule.lua: inserts or updates a schedule (Storage.upsertSchedule).
-- KEYS[1]  namespace hash tag
-- ARGV     name, rule, task, queue, payload, options, nextRunAt, now
-- Returns  the schedule { name, field, value, … }.
-- An update keeps `paused` and `createdAt`, and keeps nextRunAt/lastRunAt when the rule is unchanged.
local name, rule, task, queue, payload, options, next_run, now =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local key = sk(name)
local old = redis.call('HMGET', key, 'rule', 'paused')
if not old[1] then
  redis.call('HSET', key, 'rule', rule, 'task', task, 'queue', queue, 'payload', payload, 'options', options,
    'nextRunAt', next_run, 'paused', '0', 'createdAt', now, 'updatedAt', now)
  redis.call('ZADD', SCHEDULES, 0, name)
else
  redis.call('HSET', key, 'task', task, 'queue', queue, 'payload', payload, 'options', options, 'updatedAt', now)
  if old[1] ~= rule then
    redis.call('HSET', key, 'rule', rule, 'nextRunAt', next_run)
  end
end
if redis.call('HGET', key, 'paused') == '0' then
  redis.call('ZADD', SDUE, redis.call('HGET', key, 'nextRunAt'), name)
end
local h = redis.call('HGETALL', key)
table.insert(h, 1, name)
return h
