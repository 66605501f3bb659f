-- expired-leases.lua: active jobs whose lease expired (Storage.listExpiredLeases). Read only.
-- KEYS[1]  namespace hash tag
-- ARGV     now, limit
-- Returns  jobs { id, field, value, … }, oldest expiry first.
local ids = redis.call('ZRANGEBYSCORE', LEASES, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do table.insert(out, record(id)) end
return out
