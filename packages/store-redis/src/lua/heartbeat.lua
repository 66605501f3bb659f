-- heartbeat.lua: extends leases, fenced by token (Storage.heartbeat).
-- KEYS[1]  namespace hash tag
-- ARGV     now, leaseMs, then per lease: id, token
-- Returns  per lease in order: 1 renewed, 0 no longer active under that token.
local now, lease_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
local lease_exp = fmt(now + lease_ms)
local out = {}
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local f = redis.call('HMGET', jk(id), 'state', 'token')
  if f[1] == 'active' and f[2] == token then
    redis.call('HSET', jk(id), 'leaseExp', lease_exp)
    redis.call('ZADD', LEASES, lease_exp, id)
    table.insert(out, 1)
  else
    table.insert(out, 0)
  end
end
return out
