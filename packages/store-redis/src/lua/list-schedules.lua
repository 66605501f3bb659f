-- list-schedules.lua: every schedule by name (Storage.listSchedules). Read only.
-- KEYS[1]  namespace hash tag
-- ARGV     (none)
-- Returns  schedules, each { name, field, value, … }.
local names = redis.call('ZRANGEBYLEX', SCHEDULES, '-', '+')
local out = {}
for _, name in ipairs(names) do
  local h = redis.call('HGETALL', sk(name))
  table.insert(h, 1, name)
  table.insert(out, h)
end
return out
