-- list-queues.lua: every queue with jobs or a pause flag (Storage.listQueues).
-- KEYS[1]  namespace hash tag
-- ARGV     (none)
-- Returns  { name, paused (0/1), … } sorted by name.
local queues = redis.call('SMEMBERS', QUEUES)
table.sort(queues)
local out = {}
for _, q in ipairs(queues) do
  table.insert(out, q)
  table.insert(out, redis.call('SISMEMBER', PAUSED, q))
end
return out
