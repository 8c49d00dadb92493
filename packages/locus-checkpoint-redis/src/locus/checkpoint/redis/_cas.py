"""Lua scripts of compare-and-set saves and thread leases (each one atomic round trip).

A compare-and-set save runs the ordinary save script behind a check that the
thread's newest live checkpoint is the expected parent. A lease is a hash
``lease:<len>:<thread>`` (``owner``, ``exp``, ``stop``) that Redis expires
itself at ``exp``, so a crashed owner frees the thread without anyone's help.
"""

from __future__ import annotations

from locus.checkpoint.redis._scripts import WRITE

__all__ = ["ACQUIRE", "RELEASE", "RENEW", "STOP", "WRITE_IF_HEAD"]

# KEYS, ARGV[1..8]: as WRITE; ARGV[9]: expected parent id; ARGV[10]: '1' when the
# thread must be empty; ARGV[11]: record key prefix. Returns {0, head} when the
# head is not the expected parent (nothing written), else WRITE's result.
WRITE_IF_HEAD = (
    """
local head = false
while true do
  local top = redis.call('ZREVRANGE', KEYS[1], 0, 0)
  if #top == 0 then break end
  if redis.call('EXISTS', ARGV[11] .. top[1]) == 1 then head = top[1]; break end
  redis.call('ZREM', KEYS[1], top[1])
end
if ARGV[10] == '1' then
  if head then return {0, head} end
elseif head ~= ARGV[9] then
  return {0, head or ''}
end
"""
    + WRITE
)

# KEYS: lease. ARGV: owner, expires_at (s), expires_at (ms), now (s).
# Returns nil when taken, else {owner, exp, stop} of the live holder.
ACQUIRE = """
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then
  local exp = redis.call('HGET', KEYS[1], 'exp')
  if tonumber(exp) > tonumber(ARGV[4]) then
    return {owner, exp, redis.call('HGET', KEYS[1], 'stop') or ''}
  end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'exp', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return nil
"""

# KEYS: lease. ARGV: owner, expires_at (s), expires_at (ms). Returns {stop} or nil if lost.
RENEW = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return nil end
redis.call('HSET', KEYS[1], 'exp', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return {redis.call('HGET', KEYS[1], 'stop') or ''}
"""

# KEYS: lease. ARGV: owner, mode, now (s). Returns 1 when the live holder was asked.
STOP = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'exp')) <= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'stop', ARGV[2])
return 1
"""

# KEYS: lease. ARGV: owner.
RELEASE = """
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""
