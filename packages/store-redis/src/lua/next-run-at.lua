-- next-run-at.lua: earliest future runAt of the given unpaused queues (Storage.nextRunAt). Read only.
-- KEYS[1]  namespace hash tag
-- ARGV     now, queues…
-- Returns  the time as a string, or '' when there is none.
local now = ARGV[1]
local best = nil
for i = 2, #ARGV do
  local q = ARGV[i]
  if redis.call('SISMEMBER', PAUSED, q) == 0 then
    for _, kind in ipairs({ 'scheduled', 'retrying' }) do
      local r = redis.call('ZRANGEBYSCORE', qk(q, kind), '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
      if r[2] and (best == nil or tonumber(r[2]) < best) then best = tonumber(r[2]) end
    end
  end
end
if best == nil then return '' end
return fmt(best)
