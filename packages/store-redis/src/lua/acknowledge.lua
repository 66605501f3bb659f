-- acknowledge.lua: applies fenced outcomes of claimed jobs (Storage.acknowledge).
-- KEYS[1]  namespace hash tag
-- ARGV     now, then per ack 6 fields: type, id, token, a, b, c
--            complete: a = has result (0/1), b = result JSON
--            fail:     a = error JSON, b = retryAt ('' = no retry: failed), c = requireExpired (0/1)
--            snooze:   a = runAt
--            cancel:   a = reason
--            release:  (none)
-- Returns  per ack in order: 1 applied, 0 stale (not active under that token) or of an unknown type;
--          a 0 changes nothing.
-- Terminal outcomes release or cancel dependents (lib.lua on_terminal); publishes woken queues.
local now = tonumber(ARGV[1])
local KNOWN = { complete = true, fail = true, snooze = true, cancel = true, release = true }
local woken = {}
local out = {}
-- Batched once per call: lease removals, the expiry index adds and the counters of completions
-- (the common outcome, on a fast path: one HMGET, one HSET, one HDEL per job).
local leases, expire, done = {}, {}, {}
local now_text = fmt(now)
local rets = {} -- retention text -> { parsed, deleteAt text of a completion now (false = kept forever) }
for i = 2, #ARGV, 6 do
  local kind, id, token, a, b, c = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local key = jk(id)
  local f = redis.call('HMGET', key, 'state', 'token', 'leaseExp', 'queue', 'attempts', 'ret', 'deleteAt')
  local ok = f[1] == 'active' and f[2] == token and KNOWN[kind] == true
  if ok and kind == 'fail' and c == '1' and tonumber(f[3]) > now then ok = false end
  if not ok then
    out[#out + 1] = 0
  else
    local q = f[4]
    leases[#leases + 1] = id
    if kind == 'complete' then
      -- finish(id, q, 'active', 'completed', now) and on_terminal, in fewer calls: one HSET, one HDEL,
      -- one SMEMBERS (dependents) per job; the retention text is parsed once per call.
      local r = rets[f[6]]
      if not r then
        local ret = retention(f[6])
        r = { ret = ret, delete_at = ret.completed and fmt(now + ret.completed) or false }
        rets[f[6]] = r
      end
      local delete_at = r.delete_at
      if f[7] then redis.call('ZREM', EXPIRE, id) end
      if delete_at then
        expire[#expire + 1] = delete_at
        expire[#expire + 1] = id
        if a == '1' then
          redis.call('HSET', key, 'state', 'completed', 'finishedAt', now_text, 'result', b, 'deleteAt', delete_at)
        else
          redis.call('HSET', key, 'state', 'completed', 'finishedAt', now_text, 'deleteAt', delete_at)
        end
      elseif a == '1' then
        redis.call('HSET', key, 'state', 'completed', 'finishedAt', now_text, 'result', b)
      else
        redis.call('HSET', key, 'state', 'completed', 'finishedAt', now_text)
      end
      if (f[7] and not delete_at) or r.ret.drop_payload then
        local del = { 'token', 'leaseExp', 'worker' }
        if f[7] and not delete_at then table.insert(del, 'deleteAt') end
        if r.ret.drop_payload then table.insert(del, 'payload') end
        redis.call('HDEL', key, unpack(del))
      else
        redis.call('HDEL', key, 'token', 'leaseExp', 'worker')
      end
      done[q] = (done[q] or 0) + 1
      on_terminal(id, 'completed', now, woken)
    elseif kind == 'fail' then
      local errors = redis.call('HGET', key, 'errors')
      if errors then
        errors = string.sub(errors, 1, -2) .. ',' .. a .. ']'
      else
        errors = '[' .. a .. ']'
      end
      redis.call('HSET', key, 'errors', errors)
      if b == '' then
        finish(id, q, 'active', 'failed', now)
        on_terminal(id, 'failed', now, woken)
      else
        redis.call('HSET', key, 'runAt', b)
        redis.call('HDEL', key, 'token', 'leaseExp', 'worker')
        attach(id, q, 'active', 'retrying', b)
        if tonumber(b) <= now then woken[q] = true end
      end
    elseif kind == 'snooze' then
      redis.call('HSET', key, 'runAt', a, 'attempts', fmt(math.max(tonumber(f[5]) - 1, 0)))
      redis.call('HDEL', key, 'token', 'leaseExp', 'worker')
      attach(id, q, 'active', 'scheduled', a)
      if tonumber(a) <= now then woken[q] = true end
    elseif kind == 'cancel' then
      redis.call('HSET', key, 'reason', a)
      finish(id, q, 'active', 'cancelled', now)
      on_terminal(id, 'cancelled', now, woken)
    else -- release
      redis.call('HSET', key, 'attempts', fmt(math.max(tonumber(f[5]) - 1, 0)))
      redis.call('HDEL', key, 'token', 'leaseExp', 'worker')
      attach(id, q, 'active', 'ready', redis.call('HGET', key, 'runAt'))
      woken[q] = true
    end
    out[#out + 1] = 1
  end
end
for from = 1, #leases, 1000 do
  redis.call('ZREM', LEASES, unpack(leases, from, math.min(from + 999, #leases)))
end
zadd_chunks(EXPIRE, expire)
for q, n in pairs(done) do
  count(q, 'completed', n)
  count(q, 'active', -n)
end
publish(woken)
return out
