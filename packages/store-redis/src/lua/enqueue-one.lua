-- enqueue-one.lua: inserts one plain job (Storage.enqueue of a single job without hold, unique key
-- or dependency): the same writes as enqueue.lua's enqueue_jobs for such a job, without the batch
-- machinery (shapes, per-call tables, the helpers of the rarer cases), whose fixed cost is a third of
-- a one-job enqueue.
-- KEYS[1]  namespace hash tag
-- ARGV     now, then the job as encode.ts encodeJobs writes a batch of one:
--          1, 1, task, queue, priority, pk, maxAttempts, retention, id, payload, runAt, runAt's 15
--          ordering digits, 1 (shape), '0' (flags)
-- Returns  { 'OK', state } or { 'OK', '<state>:<id>' } when the id exists (duplicate).
-- Publishes the job's queue on K:wake.
local now = tonumber(ARGV[1])
local task, q, prio, pk, max_attempts, ret = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local id, payload, run_at = ARGV[10], ARGV[11], ARGV[12]
local key = jk(id)
if redis.call('EXISTS', key) == 1 then
  local f = redis.call('HMGET', key, 'state', 'runAt')
  return { 'OK', reported(f[1], f[2], now) .. ':' .. id }
end
local seq = redis.call('INCR', SEQ)
local seq_text = fmt(seq)
local st
if tonumber(run_at) <= now then
  st = 'ready'
  redis.call('ZADD', qk(q, 'ready'), 0, pk .. ARGV[13] .. string.rep('0', 15 - #seq_text) .. seq_text .. id)
else
  st = 'scheduled'
  redis.call('ZADD', qk(q, 'scheduled'), run_at, id)
end
redis.call('HSET', key, 'task', task, 'queue', q, 'payload', payload, 'prio', prio, 'pk', pk, 'runAt', run_at,
  'createdAt', fmt(now), 'attempts', '0', 'maxAttempts', max_attempts, 'ret', ret, 'seq', seq_text, 'state', st)
redis.call('ZADD', ALL, seq, id)
count(q, st, 1)
redis.call('PUBLISH', WAKE, q)
return { 'OK', st }
