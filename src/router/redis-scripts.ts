/**
 * The Lua scripts of the Router's state on Redis. Each runs atomically on the Redis that holds
 * its group's keys (one hash slot per group): `acquire` is the one round trip before a request,
 * `release` the one after it that no caller waits for.
 *
 * Keys (KEYS[1..4]) of a group: the current minute's counters (`<id>|r` requests, `<id>|t`
 * tokens, `<id>|f` failures), the cooldowns (`<id>` -> `<until>|<reason>`), the requests in
 * flight (`<id>` -> count) and the latencies (`<id>` -> a moving average in ms). Every key gets
 * a TTL whenever it is written.
 */
import { createHash } from "node:crypto";

/** A script and its SHA-1, for EVALSHA (EVAL when the server does not have it yet). */
export interface RedisScript {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): RedisScript => ({
  source,
  sha: createHash("sha1").update(source).digest("hex"),
});

/** Seconds a minute's counters live: the minute and the next, for a release that crosses it. */
export const MINUTE_KEY_TTL_SECONDS = 120;
/** Seconds the in-flight and latency hashes live after their last write. */
export const STATE_KEY_TTL_SECONDS = 3_600;

/**
 * ARGV: now, minuteStart + 60000 (the next minute), estimated tokens, n, then n times
 * (id, rpm or "", tpm or ""), in the order of preference.
 * Reserves the first candidate that is neither cooling down nor at its limits (a request, the
 * estimated tokens, one in flight) and returns `{ chosen id or "", availableAt or "",
 * then per candidate: inFlight, requests, tokens, latency or "", cooldownUntil }`.
 */
export const ACQUIRE = script(`
local now = tonumber(ARGV[1])
local nextMinute = tonumber(ARGV[2])
local estimated = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local chosen = ''
local availableAt = nil
local stats = {}
for i = 0, n - 1 do
  local id = ARGV[5 + i * 3]
  local rpm = tonumber(ARGV[6 + i * 3])
  local tpm = tonumber(ARGV[7 + i * 3])
  local cooldown = redis.call('HGET', KEYS[2], id)
  local untilMs = 0
  if cooldown then untilMs = tonumber(string.match(cooldown, '^(%d+)')) or 0 end
  local requests = tonumber(redis.call('HGET', KEYS[1], id .. '|r') or '0')
  local tokens = tonumber(redis.call('HGET', KEYS[1], id .. '|t') or '0')
  local inFlight = tonumber(redis.call('HGET', KEYS[3], id) or '0')
  if chosen == '' then
    if untilMs > now then
      if availableAt == nil or untilMs < availableAt then availableAt = untilMs end
    elseif (rpm and requests >= rpm) or (tpm and tokens > 0 and tokens + estimated > tpm) then
      if availableAt == nil or nextMinute < availableAt then availableAt = nextMinute end
    else
      chosen = id
      requests = redis.call('HINCRBY', KEYS[1], id .. '|r', 1)
      tokens = redis.call('HINCRBY', KEYS[1], id .. '|t', estimated)
      redis.call('EXPIRE', KEYS[1], ${MINUTE_KEY_TTL_SECONDS})
      inFlight = redis.call('HINCRBY', KEYS[3], id, 1)
      redis.call('EXPIRE', KEYS[3], ${STATE_KEY_TTL_SECONDS})
    end
  end
  local latency = redis.call('HGET', KEYS[4], id) or ''
  table.insert(stats, tostring(inFlight))
  table.insert(stats, tostring(requests))
  table.insert(stats, tostring(tokens))
  table.insert(stats, latency)
  table.insert(stats, tostring(untilMs))
end
local result = { chosen, availableAt and tostring(availableAt) or '' }
for _, value in ipairs(stats) do table.insert(result, value) end
return result
`);

/**
 * ARGV: id, now, sent (1/0), same minute as the acquire (1/0), estimated tokens, tokens,
 * latency ms or "", failure (1/0), can cool down (1/0), cooldown ms (0: count it), reason,
 * allowedFails, cooldownTime.
 * Ends a call: one fewer in flight; undoes the reservation of a request never sent; replaces
 * the token estimate by the tokens used; averages the latency; counts a failure and cools the
 * deployment down at once or past `allowedFails`.
 */
export const RELEASE = script(`
local id = ARGV[1]
local now = tonumber(ARGV[2])
local sent = ARGV[3] == '1'
local sameMinute = ARGV[4] == '1'
local estimated = tonumber(ARGV[5])
local tokens = tonumber(ARGV[6])
local latency = tonumber(ARGV[7])
local failed = ARGV[8] == '1'
local canCoolDown = ARGV[9] == '1'
local cooldownMs = tonumber(ARGV[10])
local reason = ARGV[11]
local allowedFails = tonumber(ARGV[12])
local cooldownTime = tonumber(ARGV[13])
if redis.call('HINCRBY', KEYS[3], id, -1) < 0 then redis.call('HSET', KEYS[3], id, 0) end
redis.call('EXPIRE', KEYS[3], ${STATE_KEY_TTL_SECONDS})
local counted = 0
if sameMinute then counted = estimated end
if not sent then
  if sameMinute then
    redis.call('HINCRBY', KEYS[1], id .. '|r', -1)
    redis.call('HINCRBY', KEYS[1], id .. '|t', -estimated)
    redis.call('EXPIRE', KEYS[1], ${MINUTE_KEY_TTL_SECONDS})
  end
  return 0
end
if tokens ~= counted then
  if redis.call('HINCRBY', KEYS[1], id .. '|t', tokens - counted) < 0 then
    redis.call('HSET', KEYS[1], id .. '|t', 0)
  end
end
if latency then
  local previous = tonumber(redis.call('HGET', KEYS[4], id) or '')
  local average = latency
  if previous then average = previous * 0.7 + latency * 0.3 end
  redis.call('HSET', KEYS[4], id, tostring(average))
  redis.call('EXPIRE', KEYS[4], ${STATE_KEY_TTL_SECONDS})
end
if failed then
  local failures = redis.call('HINCRBY', KEYS[1], id .. '|f', 1)
  if canCoolDown then
    local untilMs = 0
    if cooldownMs > 0 then
      untilMs = now + cooldownMs
    elseif failures > allowedFails then
      untilMs = now + cooldownTime
      local noun = 'failures'
      if failures == 1 then noun = 'failure' end
      reason = failures .. ' ' .. noun .. ' within a minute (last: ' .. reason .. ')'
    end
    if untilMs > 0 then
      local current = redis.call('HGET', KEYS[2], id)
      local currentUntil = 0
      if current then currentUntil = tonumber(string.match(current, '^(%d+)')) or 0 end
      if untilMs > currentUntil then
        redis.call('HSET', KEYS[2], id, untilMs .. '|' .. reason)
        local ttl = redis.call('PTTL', KEYS[2])
        if ttl < untilMs - now + 1000 then redis.call('PEXPIRE', KEYS[2], untilMs - now + 1000) end
      end
    end
  end
end
redis.call('EXPIRE', KEYS[1], ${MINUTE_KEY_TTL_SECONDS})
return 1
`);
