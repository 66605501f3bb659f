-- cancel-job.lua: cancels a non-terminal job and its dependents (Storage.cancelJob).
-- KEYS[1]  namespace hash tag
-- ARGV     id, reason, now
-- Returns  the job { id, field, value, … }; {} if unknown; { 'STATE', state } if already terminal.
-- An active job loses its lease (token cleared), so its worker's acks are rejected.
local id, reason, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local f = redis.call('HMGET', jk(id), 'state', 'runAt')
if not f[1] then return {} end
if is_terminal(f[1]) then return { 'STATE', f[1] } end
local woken = {}
local q, st = detach(id)
redis.call('HSET', jk(id), 'reason', reason)
finish(id, q, st, 'cancelled', now)
on_terminal(id, 'cancelled', now, woken)
publish(woken)
return record(id)
