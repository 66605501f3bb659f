-- lib.lua: helpers prepended to every script (see scripts.ts). Not a command of its own.
--
-- Cluster safety: every script gets KEYS[1] = the namespace's hash tag, e.g. "{docket}",
-- and derives every key it touches from it ("{docket}:job:<id>", ...). All those keys
-- hash to the tag's slot, so a script never crosses slots, on a single server or a Cluster.
--
-- Key layout (K = KEYS[1]):
--   K:version                  string: key layout version (written by setup, not by scripts)
--   K:seq                      counter: enqueue sequence (enqueue order, listJobs cursor)
--   K:job:<id>                 hash: one job (fields below)
--   K:all                      zset: every job id by seq (listJobs); a job is stored iff its id is here (enqueue-one's id check)
--   K:q:<queue>:ready          zset, all scores 0: ready jobs by lex member <pk><runAt><seq><id>
--   K:q:<queue>:scheduled      zset: scheduled jobs by runAt (promoted to ready by claim)
--   K:q:<queue>:retrying       zset: retrying jobs by runAt (promoted to ready by claim)
--   K:q:<queue>:counts         hash: stored state -> number of jobs of the queue
--   K:queues                   set: queues with jobs or a pause flag
--   K:paused                   set: paused queues
--   K:leases                   zset: active job ids by lease expiry
--   K:expire                   zset: terminal job ids by deleteAt (retention)
--   K:unique                   hash: "<task>|<unique key>" -> job id
--   K:dependents:<id>          set: ids of waiting jobs that depend on <id>
--   K:s:<name>                 hash: one schedule
--   K:schedules                zset, all scores 0: schedule names (listSchedules, by name)
--   K:sdue                     zset: unpaused schedule names by nextRunAt
--   K:wake                     pub/sub channel: comma-separated queues that got claimable work or an earlier runAt
--
-- Job hash fields: task queue state payload result prio pk runAt createdAt startedAt finishedAt
--   attempts maxAttempts errors token leaseExp worker held deps pending ukey reason cause ret deleteAt seq.
--   `cause` is the root cause of a cascaded cancel; token/leaseExp/worker exist only while active.
--   Absent field = null. `pk` is the priority's ordering key computed by the client (17 digits,
--   descending priority sorts first); `ret` the compact RetentionSpec (see retention()); `errors` a JSON array.

local K = KEYS[1]
local ALL = K .. ':all'
local QUEUES = K .. ':queues'
local PAUSED = K .. ':paused'
local LEASES = K .. ':leases'
local EXPIRE = K .. ':expire'
local UNIQUE = K .. ':unique'
local SEQ = K .. ':seq'
local SCHEDULES = K .. ':schedules'
local SDUE = K .. ':sdue'
local WAKE = K .. ':wake'

local function jk(id) return K .. ':job:' .. id end
local function qk(q, kind) return K .. ':q:' .. q .. ':' .. kind end
local function depk(id) return K .. ':dependents:' .. id end
local function sk(name) return K .. ':s:' .. name end

-- Integers as exact decimal text (Lua's default formatting loses digits past 14).
local function fmt(n) return string.format('%.0f', n) end

local function is_terminal(st) return st == 'completed' or st == 'failed' or st == 'cancelled' end

local function reported(st, run_at, now)
  if (st == 'scheduled' or st == 'retrying') and tonumber(run_at) <= now then return 'ready' end
  return st
end

-- Adjusts the per-queue counter of a stored state; forgets a queue left with no job and no pause.
-- A queue whose counts hash exists is in QUEUES (its fields are all positive, see below), so the
-- SADD is only needed when this counter was 0 before.
local function count(q, st, d)
  local key = qk(q, 'counts')
  local n = redis.call('HINCRBY', key, st, d)
  if d > 0 and n == d then redis.call('SADD', QUEUES, q) end
  if n <= 0 then
    redis.call('HDEL', key, st)
    if redis.call('EXISTS', key) == 0 and redis.call('SISMEMBER', PAUSED, q) == 0 then
      redis.call('SREM', QUEUES, q)
    end
  end
end

-- The ready-set member of a job: fixed-width keys, so lex order is priority desc, runAt, enqueue order.
-- runAt is clamped to [0, 10^15) (before 1970 sorts as 1970; year 33658 is far enough).
local function ready_member(id, pk, run_at, seq)
  local r = tonumber(run_at)
  if r < 0 then r = 0 end
  if r > 999999999999999 then r = 999999999999999 end
  return pk .. string.format('%015.0f', r) .. string.format('%015.0f', tonumber(seq)) .. id
end
local READY_PREFIX = 47 -- length of <pk:17><runAt:15><seq:15>

-- Puts a job into the index of its stored state: ready/scheduled/retrying. Waiting and terminal jobs
-- have no such index; an active job's lease is added by claim.
local function place(id, q, st, run_at, pk, seq)
  if st == 'ready' then
    redis.call('ZADD', qk(q, 'ready'), 0, ready_member(id, pk, run_at, seq))
  elseif st == 'scheduled' or st == 'retrying' then
    redis.call('ZADD', qk(q, st), run_at, id)
  end
end

local function unplace(id, q, st, run_at, pk, seq)
  if st == 'ready' then
    redis.call('ZREM', qk(q, 'ready'), ready_member(id, pk, run_at, seq))
  elseif st == 'scheduled' or st == 'retrying' then
    redis.call('ZREM', qk(q, st), id)
  elseif st == 'active' then
    redis.call('ZREM', LEASES, id)
  end
end

-- Removes a job from the index of its current state; returns its queue and state.
local function detach(id)
  local f = redis.call('HMGET', jk(id), 'queue', 'state', 'runAt', 'pk', 'seq')
  unplace(id, f[1], f[2], f[3], f[4], f[5])
  return f[1], f[2]
end

-- Moves a detached job to `st` (ready/scheduled/retrying/waiting/active), updating its counter and index.
local function attach(id, q, from, st, run_at)
  local f = redis.call('HMGET', jk(id), 'pk', 'seq')
  redis.call('HSET', jk(id), 'state', st)
  if from ~= st then
    if from then count(q, from, -1) end
    count(q, st, 1)
  end
  place(id, q, st, run_at, f[1], f[2])
end

-- A due job becomes ready, a future one scheduled. Adds its queue to `woken` either way:
-- a dispatcher sleeping past a new, earlier runAt must re-read nextRunAt.
local function make_runnable(id, q, from, now, woken)
  local run_at = redis.call('HGET', jk(id), 'runAt')
  woken[q] = true
  if tonumber(run_at) <= now then
    attach(id, q, from, 'ready', run_at)
    return 'ready'
  end
  attach(id, q, from, 'scheduled', run_at)
  return 'scheduled'
end

-- The retention of a job, from its compact `ret` field "<completed>,<failed>,<cancelled>,<dropPayload>"
-- (ms, empty = kept forever; dropPayload 0/1): short enough to keep the job hash a listpack.
local function retention(text)
  local c, f, x, d = string.match(text, '^(%d*),(%d*),(%d*),([01])$')
  return { completed = tonumber(c), failed = tonumber(f), cancelled = tonumber(x), drop_payload = d == '1' }
end

-- Sets a detached (or new, `from` = nil) job terminal: finishedAt, deleteAt from its retention, lease cleared.
-- Does not touch dependents (see on_terminal).
local function finish(id, q, from, st, now)
  local key = jk(id)
  local ret = retention(redis.call('HGET', key, 'ret'))
  redis.call('HSET', key, 'state', st, 'finishedAt', fmt(now))
  redis.call('HDEL', key, 'token', 'leaseExp', 'worker', 'deleteAt')
  redis.call('ZREM', EXPIRE, id)
  local keep = ret[st]
  if keep then
    local delete_at = fmt(now + keep)
    redis.call('HSET', key, 'deleteAt', delete_at)
    redis.call('ZADD', EXPIRE, delete_at, id)
  end
  if st == 'completed' and ret.drop_payload then redis.call('HDEL', key, 'payload') end
  if from then count(q, from, -1) end
  count(q, st, 1)
end

-- Sets the cancel reason of `id`, cancelled because its dependency `dep` failed or was cancelled:
-- 'dependency "<dep>" failed', plus ' because <root cause>' down a chain. `cause` keeps the root cause.
local function cancel_for_dependency(id, dep)
  local f = redis.call('HMGET', jk(dep), 'state', 'cause')
  local phrase = 'dependency "' .. dep .. '" ' .. (f[1] == 'failed' and 'failed' or 'was cancelled')
  if f[2] then
    redis.call('HSET', jk(id), 'cause', f[2], 'reason', phrase .. ' because ' .. f[2])
  else
    redis.call('HSET', jk(id), 'cause', phrase, 'reason', phrase)
  end
end

-- After `id` reached a terminal state: completed releases its waiting dependents whose
-- dependencies are all completed; failed/cancelled cancels its dependents, transitively,
-- each with a reason naming the job that caused it.
local function on_terminal(id, st, now, woken)
  if st == 'completed' then
    local deps = redis.call('SMEMBERS', depk(id))
    if #deps > 0 then redis.call('DEL', depk(id)) end
    for _, d in ipairs(deps) do
      local f = redis.call('HMGET', jk(d), 'state', 'held', 'queue')
      if f[1] == 'waiting' then
        local pending = redis.call('HINCRBY', jk(d), 'pending', -1)
        if pending <= 0 then
          redis.call('HDEL', jk(d), 'pending')
          if f[2] ~= '1' then make_runnable(d, f[3], 'waiting', now, woken) end
        end
      end
    end
    return
  end
  local stack = { id }
  while #stack > 0 do
    local cause = table.remove(stack)
    local deps = redis.call('SMEMBERS', depk(cause))
    redis.call('DEL', depk(cause))
    for _, d in ipairs(deps) do
      local dst = redis.call('HGET', jk(d), 'state')
      if dst and not is_terminal(dst) then
        local q = detach(d)
        cancel_for_dependency(d, cause)
        finish(d, q, dst, 'cancelled', now)
        table.insert(stack, d)
      end
    end
  end
end

local function publish(woken)
  local qs = {}
  for q, _ in pairs(woken) do table.insert(qs, q) end
  if #qs > 0 then
    table.sort(qs)
    redis.call('PUBLISH', WAKE, table.concat(qs, ','))
  end
end

-- The job as a flat array: id, then field/value pairs.
local function record(id)
  local h = redis.call('HGETALL', jk(id))
  table.insert(h, 1, id)
  return h
end

-- The job of `unique` key, if it still makes a new one a duplicate at `now`.
local function unique_holder(field, period, now)
  local holder = redis.call('HGET', UNIQUE, field)
  if not holder then return nil end
  local f = redis.call('HMGET', jk(holder), 'state', 'finishedAt')
  if not f[1] then return nil end
  if not is_terminal(f[1]) then return holder end
  if period ~= '' and f[2] and tonumber(f[2]) + tonumber(period) > now then return holder end
  return nil
end

-- ZADD of many score/member pairs (a flat array), in chunks that stay far below Lua's unpack limit.
local function zadd_chunks(zkey, flat)
  local CHUNK = 1000
  for from = 1, #flat, CHUNK do
    redis.call('ZADD', zkey, unpack(flat, from, math.min(from + CHUNK - 1, #flat)))
  end
end

-- Enqueues jobs encoded in ARGV from index `at`, all or nothing: every dependency is checked
-- before anything is written. Layout (built by encode.ts encodeJobs):
--   n (jobs), s (shapes), s shapes of SHAPE_FIELDS: task, queue, priority, pk (priority ordering key),
--   maxAttempts, retention (compact, see retention());
--   then per job: id, payload, runAt, runAt as the ready member's 15 digits (clamped, zero-padded),
--   shape (1-based), flags; flags '0' ends the job, else a number: +1 hold, +2 unique (then unique key,
--   unique period ('' = null)), +4 dependencies (then their count and ids).
-- Returns { 'OK', outcome, ... }, one per job in order: its state, or '<state>:<existing id>' for a
-- duplicate; or { 'NOTFOUND', dependency id }.
-- Per new job of the common shape (flags '0'): EXISTS and one HSET; the sequence numbers (one INCRBY
-- reserves n; a duplicate leaves a gap, harmless: seq only orders), K:all, the ready/scheduled indexes
-- and the counters are written once per call. ARGV is read in place, no table per job.
local SHAPE_FIELDS = 6

-- The optional parts of the job at ARGV index i: hold, index of its unique key (or nil),
-- index of its dependency count (or nil), index of the next job.
local function job_layout(argv, i)
  local fl = argv[i + 5]
  if fl == '0' then return false, nil, nil, i + 6 end
  local f = tonumber(fl)
  local at, uniq, deps = i + 6, nil, nil
  if f % 4 >= 2 then
    uniq = at
    at = at + 2
  end
  if f >= 4 then
    deps = at
    at = at + 1 + tonumber(argv[at])
  end
  return f % 2 == 1, uniq, deps, at
end

local function enqueue_jobs(argv, at, now, woken)
  local n = tonumber(argv[at])
  local shapes = at + 2
  local first = shapes + tonumber(argv[at + 1]) * SHAPE_FIELDS
  local i = first
  local any_deps = false
  for _ = 1, n do
    local _, _, deps, next_i = job_layout(argv, i)
    if deps then any_deps = true end
    i = next_i
  end
  if any_deps then
    local seen = {}
    i = first
    for _ = 1, n do
      local _, _, deps, next_i = job_layout(argv, i)
      if deps then
        for k = deps + 1, deps + tonumber(argv[deps]) do
          local d = argv[k]
          if not seen[d] and redis.call('EXISTS', jk(d)) == 0 then return { 'NOTFOUND', d } end
        end
      end
      seen[argv[i]] = true
      i = next_i
    end
  end

  local out = { 'OK' }
  local alias = nil -- batch id of a duplicate -> the existing job's id
  local seq = redis.call('INCRBY', SEQ, n) - n
  local now_text = fmt(now)
  local all, na = {}, 0
  local index, zkeys = {}, {} -- index key -> flat score/member array; keys in first-use order
  local deltas, dq = {}, {} -- queue -> state -> +n; queues in first-use order
  i = first
  for j = 1, n do
    local id, run_at = argv[i], argv[i + 2]
    local sh = shapes + (tonumber(argv[i + 4]) - 1) * SHAPE_FIELDS
    local task, q = argv[sh], argv[sh + 1]
    local hold, uniq, deps_at, next_i = job_layout(argv, i)
    local ukey = uniq and argv[uniq]
    local key = jk(id)
    local holder = nil
    if redis.call('EXISTS', key) == 1 then
      holder = id
    elseif uniq then
      holder = unique_holder(task .. '|' .. ukey, argv[uniq + 1], now)
    end
    if holder then
      alias = alias or {}
      alias[id] = holder
      local f = redis.call('HMGET', jk(holder), 'state', 'runAt')
      out[j + 1] = reported(f[1], f[2], now) .. ':' .. holder
    else
      seq = seq + 1
      -- Stored canonical (a listpack keeps it as an integer); zero-padded to 15 in the ready member.
      local seq_text = fmt(seq)
      local seq15 = string.rep('0', 15 - #seq_text) .. seq_text
      local st
      if argv[i + 5] == '0' then -- no hold, unique key or dependency
        st = tonumber(run_at) <= now and 'ready' or 'scheduled'
        redis.call('HSET', key, 'task', task, 'queue', q, 'payload', argv[i + 1], 'prio', argv[sh + 2],
          'pk', argv[sh + 3], 'runAt', run_at, 'createdAt', now_text, 'attempts', '0',
          'maxAttempts', argv[sh + 4], 'ret', argv[sh + 5], 'seq', seq_text, 'state', st)
      else
        local pending, failed_dep = 0, nil
        local deps, deps_json, seen = {}, {}, {}
        if deps_at then
          for k = deps_at + 1, deps_at + tonumber(argv[deps_at]) do
            local dep = (alias and alias[argv[k]]) or argv[k]
            if not seen[dep] then
              seen[dep] = true
              table.insert(deps, dep)
              table.insert(deps_json, cjson.encode(dep))
            end
          end
        end
        for _, dep in ipairs(deps) do
          local dst = redis.call('HGET', jk(dep), 'state')
          if dst == 'failed' or dst == 'cancelled' then
            failed_dep = failed_dep or dep
          elseif dst ~= 'completed' then
            pending = pending + 1
            redis.call('SADD', depk(dep), id)
          end
        end
        if failed_dep then
          st = 'new' -- finish() below makes it cancelled
        elseif hold or pending > 0 then
          st = 'waiting'
        elseif tonumber(run_at) <= now then
          st = 'ready'
        else
          st = 'scheduled'
        end
        local fields = { 'task', task, 'queue', q, 'payload', argv[i + 1], 'prio', argv[sh + 2], 'pk', argv[sh + 3],
          'runAt', run_at, 'createdAt', now_text, 'attempts', '0', 'maxAttempts', argv[sh + 4], 'ret', argv[sh + 5],
          'seq', seq_text, 'state', st }
        if hold then
          table.insert(fields, 'held')
          table.insert(fields, '1')
        end
        if #deps > 0 then
          table.insert(fields, 'deps')
          table.insert(fields, '[' .. table.concat(deps_json, ',') .. ']')
        end
        if uniq then
          table.insert(fields, 'ukey')
          table.insert(fields, ukey)
        end
        if st == 'waiting' and pending > 0 then
          table.insert(fields, 'pending')
          table.insert(fields, pending)
        end
        redis.call('HSET', key, unpack(fields))
        if uniq then redis.call('HSET', UNIQUE, task .. '|' .. ukey, id) end
        if failed_dep then
          -- Never runnable: stop waiting on the others.
          for _, dep in ipairs(deps) do redis.call('SREM', depk(dep), id) end
          cancel_for_dependency(id, failed_dep)
          finish(id, q, nil, 'cancelled', now)
          st = 'cancelled'
        end
      end
      all[na + 1] = seq
      all[na + 2] = id
      na = na + 2
      if st ~= 'cancelled' then
        local dqs = deltas[q]
        if not dqs then
          dqs = {}
          deltas[q] = dqs
          dq[#dq + 1] = q
        end
        dqs[st] = (dqs[st] or 0) + 1
        if st == 'ready' or st == 'scheduled' then
          woken[q] = true
          local zkey = qk(q, st)
          local t = index[zkey]
          if not t then
            t = {}
            index[zkey] = t
            zkeys[#zkeys + 1] = zkey
          end
          local m = #t
          if st == 'ready' then
            -- The member ready_member() computes: <pk><runAt:15><seq:15><id>.
            t[m + 1] = 0
            t[m + 2] = argv[sh + 3] .. argv[i + 3] .. seq15 .. id
          else
            t[m + 1] = run_at
            t[m + 2] = id
          end
        end
      end
      out[j + 1] = st
    end
    i = next_i
  end
  zadd_chunks(ALL, all)
  for _, zkey in ipairs(zkeys) do zadd_chunks(zkey, index[zkey]) end
  for _, q in ipairs(dq) do
    for st, d in pairs(deltas[q]) do count(q, st, d) end
  end
  return out
end
