-- set-queue-paused.lua: pauses or resumes a queue (Storage.setQueuePaused). Idempotent.
-- KEYS[1]  namespace hash tag
-- ARGV     queue, paused (0/1)
-- Returns  1. Resuming publishes the queue on K:wake.
local q, paused = ARGV[1], ARGV[2] == '1'
if paused then
  redis.call('SADD', PAUSED, q)
  redis.call('SADD', QUEUES, q)
else
  if redis.call('SREM', PAUSED, q) == 1 then
    if redis.call('EXISTS', qk(q, 'counts')) == 0 then redis.call('SREM', QUEUES, q) end
    publish({ [q] = true })
  end
end
return 1
