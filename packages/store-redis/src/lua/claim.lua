-- claim.lua: claims up to `limit` claimable jobs (Storage.claim).
-- KEYS[1]  namespace hash tag
-- ARGV     now, limit, leaseMs, token, workerId, queue count, queues… (in order of preference)
-- Returns  the claimed jobs, each { <CLAIMED fields in order, nil when absent>, id }, now active under
--          `token` (the caller knows state, token, worker, startedAt = now and leaseExp = now + leaseMs;
--          `attempts` is the new count). records.ts toClaimedRecord reads this layout.
-- Per queue, unless paused: first promotes due scheduled/retrying jobs into the ready set, then
-- takes ready jobs in lex order of <pk><runAt><seq>: priority desc, runAt asc, enqueue order.
-- Cost per batch, not per job where it can be: the ready set's scores are all 0, so ZPOPMIN pops
-- the lex-smallest members (exactly the ZRANGEBYLEX prefix); leases are added and counters moved
-- once per queue; per job only one HMGET (positional: no field names in the reply) and one HSET.
local CLAIMED = { 'task', 'queue', 'payload', 'result', 'prio', 'runAt', 'createdAt', 'finishedAt', 'attempts',
  'maxAttempts', 'errors', 'held', 'deps', 'ukey', 'reason', 'ret', 'deleteAt' }
local ATTEMPTS = 9
local now, limit, lease_ms = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local token, worker = ARGV[4], ARGV[5]
local nq = tonumber(ARGV[6])
local out = {}
local lease_exp = fmt(now + lease_ms)
local started = fmt(now)
local CHUNK = 500
for i = 1, nq do
  if #out >= limit then break end
  local q = ARGV[6 + i]
  if redis.call('SISMEMBER', PAUSED, q) == 0 then
    local ready = qk(q, 'ready')
    for _, kind in ipairs({ 'scheduled', 'retrying' }) do
      local zkey = qk(q, kind)
      local due = redis.call('ZRANGEBYSCORE', zkey, '-inf', now)
      if #due > 0 then
        redis.call('ZREMRANGEBYSCORE', zkey, '-inf', now)
        local members = {}
        for _, id in ipairs(due) do
          local f = redis.call('HMGET', jk(id), 'runAt', 'pk', 'seq')
          redis.call('HSET', jk(id), 'state', 'ready')
          table.insert(members, 0)
          table.insert(members, ready_member(id, f[2], f[1], f[3]))
          if #members >= 2 * CHUNK then
            redis.call('ZADD', ready, unpack(members))
            members = {}
          end
        end
        if #members > 0 then redis.call('ZADD', ready, unpack(members)) end
        count(q, 'ready', #due)
        count(q, kind, -#due)
      end
    end
    local popped = redis.call('ZPOPMIN', ready, limit - #out)
    local n = #popped / 2
    if n > 0 then
      local leases = {}
      for k = 1, #popped, 2 do
        local id = string.sub(popped[k], READY_PREFIX + 1)
        local key = jk(id)
        local h = redis.call('HMGET', key, unpack(CLAIMED))
        local attempts = fmt((tonumber(h[ATTEMPTS]) or 0) + 1)
        redis.call('HSET', key, 'state', 'active', 'token', token, 'leaseExp', lease_exp, 'worker', worker,
          'startedAt', started, 'attempts', attempts)
        h[ATTEMPTS] = attempts
        h[#CLAIMED + 1] = id
        out[#out + 1] = h
        leases[#leases + 1] = lease_exp
        leases[#leases + 1] = id
        if #leases >= 2 * CHUNK then
          redis.call('ZADD', LEASES, unpack(leases))
          leases = {}
        end
      end
      if #leases > 0 then redis.call('ZADD', LEASES, unpack(leases)) end
      count(q, 'active', n)
      count(q, 'ready', -n)
    end
  end
end
return out
