-- delete-expired.lua: deletes terminal jobs past their deleteAt, at most `limit` (Storage.deleteExpired).
-- KEYS[1]  namespace hash tag
-- ARGV     now, limit
-- Returns  the number deleted. A non-terminal job found in K:expire (impossible by construction)
-- is only dropped from the index, never deleted.
local ids = redis.call('ZRANGEBYSCORE', EXPIRE, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local n = 0
for _, id in ipairs(ids) do
  redis.call('ZREM', EXPIRE, id)
  local key = jk(id)
  local f = redis.call('HMGET', key, 'state', 'task', 'ukey', 'queue', 'deps')
  if f[1] and is_terminal(f[1]) then
    count(f[4], f[1], -1)
    redis.call('ZREM', ALL, id)
    if f[3] then
      local field = f[2] .. '|' .. f[3]
      if redis.call('HGET', UNIQUE, field) == id then redis.call('HDEL', UNIQUE, field) end
    end
    if f[5] then
      for _, d in ipairs(cjson.decode(f[5])) do redis.call('SREM', depk(d), id) end
    end
    redis.call('DEL', key, depk(id))
    n = n + 1
  end
end
return n
