-- count-jobs.lua: jobs per queue and reported state (Storage.countJobs).
-- KEYS[1]  namespace hash tag
-- ARGV     now, queue ('' = every queue)
-- Returns  { queue, state, count, … } non-zero counts only.
-- Stored counters per queue, with due scheduled/retrying jobs (not yet promoted) reported as ready.
local now, only = tonumber(ARGV[1]), ARGV[2]
local queues
if only ~= '' then queues = { only } else queues = redis.call('SMEMBERS', QUEUES) end
table.sort(queues)
local out = {}
for _, q in ipairs(queues) do
  local raw = redis.call('HGETALL', qk(q, 'counts'))
  local c = {}
  for i = 1, #raw, 2 do c[raw[i]] = tonumber(raw[i + 1]) end
  for _, kind in ipairs({ 'scheduled', 'retrying' }) do
    local due = redis.call('ZCOUNT', qk(q, kind), '-inf', now)
    if due > 0 then
      c[kind] = (c[kind] or 0) - due
      c['ready'] = (c['ready'] or 0) + due
    end
  end
  for _, st in ipairs({ 'waiting', 'scheduled', 'ready', 'active', 'retrying', 'completed', 'failed', 'cancelled' }) do
    if c[st] and c[st] > 0 then
      table.insert(out, q)
      table.insert(out, st)
      table.insert(out, c[st])
    end
  end
end
return out
