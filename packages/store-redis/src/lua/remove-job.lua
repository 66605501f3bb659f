-- remove-job.lua: deletes a job that is not active (Storage.removeJob).
-- KEYS[1]  namespace hash tag
-- ARGV     id, now (ms)
-- Returns  1 deleted, 0 unknown, { 'STATE', 'active' } for an active job.
-- A job removed before it completed can never satisfy its dependents: they are cancelled,
-- transitively, with a reason naming it (a completed one already released them).
local id, now = ARGV[1], tonumber(ARGV[2])
local key = jk(id)
local f = redis.call('HMGET', key, 'state', 'task', 'ukey', 'queue')
if not f[1] then return 0 end
if f[1] == 'active' then return { 'STATE', 'active' } end
if f[1] ~= 'completed' then
  local phrase = 'dependency "' .. id .. '" was removed'
  for _, d in ipairs(redis.call('SMEMBERS', depk(id))) do
    local dst = redis.call('HGET', jk(d), 'state')
    if dst and not is_terminal(dst) then
      local q = detach(d)
      redis.call('HSET', jk(d), 'cause', phrase, 'reason', phrase)
      finish(d, q, dst, 'cancelled', now)
      on_terminal(d, 'cancelled', now, {})
    end
  end
end
detach(id)
count(f[4], f[1], -1)
redis.call('ZREM', ALL, id)
redis.call('ZREM', EXPIRE, id)
if f[3] then
  local field = f[2] .. '|' .. f[3]
  if redis.call('HGET', UNIQUE, field) == id then redis.call('HDEL', UNIQUE, field) end
end
local deps = redis.call('HGET', key, 'deps')
if deps then
  for _, d in ipairs(cjson.decode(deps)) do redis.call('SREM', depk(d), id) end
end
redis.call('DEL', key)
redis.call('DEL', depk(id))
return 1
