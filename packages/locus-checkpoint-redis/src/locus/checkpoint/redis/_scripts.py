"""Lua scripts: a save and a latest-read are one atomic round trip each."""

from __future__ import annotations

# KEYS: idx, rec, threads, seq
# ARGV: thread_id, checkpoint_id, payload, created_at, expires_at, v, metadata, expire_at_ms
WRITE = """
redis.call('ZREM', KEYS[1], ARGV[2])
local parent = ''
local top = redis.call('ZREVRANGE', KEYS[1], 0, 0)
if #top > 0 then parent = top[1] end
local seq = redis.call('INCR', KEYS[4])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'p', ARGV[3], 'parent', parent, 'ts', ARGV[4], 'exp', ARGV[5],
           'v', ARGV[6], 'm', ARGV[7])
redis.call('ZADD', KEYS[1], seq, ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
if ARGV[8] == '' then
  redis.call('PERSIST', KEYS[1])
else
  local at = tonumber(ARGV[8])
  redis.call('PEXPIREAT', KEYS[2], at)
  -- the index lives as long as its longest-lived record
  local cur = redis.call('PEXPIRETIME', KEYS[1])
  if redis.call('ZCARD', KEYS[1]) == 1 or (cur >= 0 and at > cur) then
    redis.call('PEXPIREAT', KEYS[1], at)
  end
end
return parent
"""

# KEYS: idx
# ARGV: record key prefix (ends with ':'), checkpoint_id or ''
# Returns {checkpoint_id, p, parent, ts, exp, v, m} or nil; skips (and unindexes)
# records that expired server-side.
READ = """
local fields = {'p', 'parent', 'ts', 'exp', 'v', 'm'}
if ARGV[2] ~= '' then
  local rec = redis.call('HMGET', ARGV[1] .. ARGV[2], unpack(fields))
  if not rec[1] then return nil end
  return {ARGV[2], unpack(rec)}
end
while true do
  local top = redis.call('ZREVRANGE', KEYS[1], 0, 0)
  if #top == 0 then return nil end
  local rec = redis.call('HMGET', ARGV[1] .. top[1], unpack(fields))
  if rec[1] then return {top[1], unpack(rec)} end
  redis.call('ZREM', KEYS[1], top[1])
end
"""
