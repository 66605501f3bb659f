-- retry-job.lua: moves a failed or cancelled job back to ready (Storage.retryJob).
-- KEYS[1]  namespace hash tag
-- ARGV     id, now
-- Returns  the job { id, field, value, … }; {} if unknown; { 'STATE', state } if not failed/cancelled.
-- runAt = now, finishedAt/deleteAt/cancel reason/hold cleared, errors kept, maxAttempts >= attempts + 1;
-- takes its unique key back if no other job holds it.
local id, now = ARGV[1], tonumber(ARGV[2])
local key = jk(id)
local f = redis.call('HMGET', key, 'state', 'queue', 'attempts', 'maxAttempts', 'runAt')
if not f[1] then return {} end
if f[1] ~= 'failed' and f[1] ~= 'cancelled' then return { 'STATE', reported(f[1], f[5], now) } end
redis.call('ZREM', EXPIRE, id)
redis.call('HDEL', key, 'finishedAt', 'deleteAt', 'reason', 'cause', 'pending', 'held')
local u = redis.call('HMGET', key, 'task', 'ukey')
if u[2] then redis.call('HSETNX', UNIQUE, u[1] .. '|' .. u[2], id) end
local attempts, max = tonumber(f[3]), tonumber(f[4])
if max < attempts + 1 then redis.call('HSET', key, 'maxAttempts', fmt(attempts + 1)) end
redis.call('HSET', key, 'runAt', fmt(now))
attach(id, f[2], f[1], 'ready', fmt(now))
publish({ [f[2]] = true })
return record(id)
