-- enqueue-one.lua: inserts one plain job (Storage.enqueue of a single job without hold, unique key
-- or dependency): the same writes as enqueue.lua's enqueue_jobs for such a job, in 6 redis.calls.
-- It is the whole cost of a one-by-one enqueue on the server, so it uses no lib.lua helper but the
-- key constants (each helper is a closure re-created by every EVALSHA) and skips EXISTS: every
-- stored job is in K:all (enqueue adds it, deleteExpired and removeJob remove it with the hash), so
-- the ZADD NX there is the id check (a duplicate spends a seq: harmless, seq only orders).
-- KEYS[1]  namespace hash tag
-- ARGV     now, task, queue, priority, pk, maxAttempts, retention, id, payload, runAt, runAt's 15
--          ordering digits (encode.ts runAtKey)
-- Returns  1 (stored ready) or 2 (stored scheduled): an integer reply, no string for the client to
--          decode; or '<state>:<id>' when the id exists (duplicate, nothing written).
-- Publishes the job's queue on K:wake.
local now = tonumber(ARGV[1])
local q, id, run_at = ARGV[3], ARGV[8], ARGV[10]
local key = K .. ':job:' .. id
local seq = redis.call('INCR', SEQ)
if redis.call('ZADD', ALL, 'NX', seq, id) == 0 then
  local f = redis.call('HMGET', key, 'state', 'runAt')
  if f[1] then
    if (f[1] == 'scheduled' or f[1] == 'retrying') and tonumber(f[2]) <= now then return 'ready:' .. id end
    return f[1] .. ':' .. id
  end
  -- In K:all without its hash (deleted by hand): stored anew, as EXISTS would have let it be.
  redis.call('ZADD', ALL, seq, id)
end
local seq_text = string.format('%.0f', seq)
local qkey = K .. ':q:' .. q .. ':'
local st
if tonumber(run_at) <= now then
  st = 'ready'
  redis.call('ZADD', qkey .. 'ready', 0, ARGV[5] .. ARGV[11] .. string.rep('0', 15 - #seq_text) .. seq_text .. id)
else
  st = 'scheduled'
  redis.call('ZADD', qkey .. 'scheduled', run_at, id)
end
redis.call('HSET', key, 'task', ARGV[2], 'queue', q, 'payload', ARGV[9], 'prio', ARGV[4], 'pk', ARGV[5],
  'runAt', run_at, 'createdAt', string.format('%.0f', now), 'attempts', '0', 'maxAttempts', ARGV[6],
  'ret', ARGV[7], 'seq', seq_text, 'state', st)
-- lib.lua count(q, st, 1): a queue's first job of this state adds it to K:queues.
if redis.call('HINCRBY', qkey .. 'counts', st, 1) == 1 then redis.call('SADD', K .. ':queues', q) end
redis.call('PUBLISH', WAKE, q)
return st == 'ready' and 1 or 2
