-- list-jobs.lua: one page of jobs in enqueue order, filtered (Storage.listJobs).
-- KEYS[1]  namespace hash tag
-- ARGV     now, limit, order ('asc'|'desc'), cursor (seq of the last job of the previous page, '' = start),
--          queue ('' = any), state ('' = any; a reported state), task ('' = any)
-- Returns  { nextCursor ('' = last page), job, job, … }, each job { id, field, value, … }.
-- Walks K:all by seq in chunks, filtering server-side; looks one match ahead to know whether a
-- next page exists. The cursor is a seq, so inserts and deletes never shift a page.
-- Bounded: after MAX_SCAN entries without filling the page (a rare filter over many jobs) it
-- returns the page so far with the cursor at the last entry scanned, so one call never blocks
-- the server for long; the caller keeps following nextCursor.
local now, limit, order, cursor = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
local fq, fs, ft = ARGV[5], ARGV[6], ARGV[7]
local CHUNK = 200
local MAX_SCAN = 10000
local scanned = 0
local desc = order ~= 'asc'
local bound
if cursor == '' then
  bound = desc and '+inf' or '-inf'
else
  bound = '(' .. cursor
end
local found = {}
local next_cursor = ''
while true do
  local ids
  if desc then
    ids = redis.call('ZREVRANGEBYSCORE', ALL, bound, '-inf', 'WITHSCORES', 'LIMIT', 0, CHUNK)
  else
    ids = redis.call('ZRANGEBYSCORE', ALL, bound, '+inf', 'WITHSCORES', 'LIMIT', 0, CHUNK)
  end
  if #ids == 0 then break end
  for i = 1, #ids, 2 do
    local id, seq = ids[i], ids[i + 1]
    local f = redis.call('HMGET', jk(id), 'queue', 'state', 'task', 'runAt')
    if f[1] and (fq == '' or f[1] == fq) and (ft == '' or f[3] == ft)
      and (fs == '' or reported(f[2], f[4], now) == fs) then
      if #found == limit then
        next_cursor = found.last_seq
        break
      end
      table.insert(found, id)
      found.last_seq = seq
    end
  end
  if next_cursor ~= '' then break end
  scanned = scanned + #ids / 2
  bound = '(' .. ids[#ids]
  if scanned >= MAX_SCAN and #ids == CHUNK * 2 then
    next_cursor = ids[#ids]
    break
  end
end
local out = { next_cursor }
for _, id in ipairs(found) do table.insert(out, record(id)) end
return out
