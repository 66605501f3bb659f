-- due-schedules.lua: unpaused schedules with nextRunAt <= now, earliest first (Storage.dueSchedules). Read only.
-- KEYS[1]  namespace hash tag
-- ARGV     now, limit
-- Returns  schedules, each { name, field, value, … }.
local names = redis.call('ZRANGEBYSCORE', SDUE, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, name in ipairs(names) do
  local h = redis.call('HGETALL', sk(name))
  table.insert(h, 1, name)
  table.insert(out, h)
end
return out
