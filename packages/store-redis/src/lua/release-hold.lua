-- release-hold.lua: lifts `hold` from a job (Storage.releaseHold).
-- KEYS[1]  namespace hash tag
-- ARGV     id, now
-- Returns  the job { id, field, value, … }; {} if unknown; { 'STATE', state, held (0/1) } unless waiting and held.
-- A waiting job with no pending dependency becomes ready (runAt <= now) or scheduled.
local id, now = ARGV[1], tonumber(ARGV[2])
local key = jk(id)
local f = redis.call('HMGET', key, 'state', 'held', 'pending', 'queue', 'runAt')
if not f[1] then return {} end
if f[1] ~= 'waiting' or f[2] ~= '1' then return { 'STATE', reported(f[1], f[5], now), f[2] == '1' and 1 or 0 } end
redis.call('HDEL', key, 'held')
if (not f[3] or tonumber(f[3]) <= 0) then
  local woken = {}
  make_runnable(id, f[4], 'waiting', now, woken)
  publish(woken)
end
return record(id)
