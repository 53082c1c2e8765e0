/**
 * The Lua script of the Router's state on Redis. It runs atomically on the Redis that holds its
 * group's keys (one hash slot per group): it first records the calls of the group that have ended
 * since the last run (their releases wait for the next call, or a short timer, and ride along),
 * then reserves a deployment for the next call. One round trip a call.
 *
 * Keys (KEYS[1..4]) of a group: the current minute's counters (`<id>|r` requests, `<id>|t`
 * tokens, `<id>|f` failures), the cooldowns (`<id>` -> `<until>|<reason>`), the requests in
 * flight (`<id>` -> count) and the latencies (`<id>` -> a moving average in ms). Every key gets
 * a TTL whenever it is written.
 */
import { hashHex } from "./hash-hex.js";

/** A script and its SHA-1, for EVALSHA (EVAL when the server does not have it yet). */
export interface RedisScript {
  readonly source: string;
  readonly sha: string;
}

/** Its SHA-1 is taken when first asked for (by the first EVALSHA), not at import. */
const script = (source: string): RedisScript => {
  let sha: string | undefined;
  return {
    source,
    get sha() {
      sha ??= hashHex("sha1", source);
      return sha;
    },
  };
};

/** Seconds a minute's counters live: the minute and the next, for a release that crosses it. */
const MINUTE_KEY_TTL_SECONDS = 120;
/** Seconds the in-flight and latency hashes live after their last write. */
const STATE_KEY_TTL_SECONDS = 3_600;

/**
 * ARGV[1] is one JSON document (fewer, larger arguments: node-redis writes each argument on its
 * own, which measured ~16 us a call for 30 of them):
 * `{ "f": allowedFails, "r": [release...], "a": reservation or absent }`, where a release is
 * `[id, now, sent 0/1, acquired in KEYS[1]'s minute 0/1, estimated tokens, tokens or -1 (unknown:
 * the estimate stands), latency ms or -1, failed 0/1, may cool down 0/1, cooldown ms (0: count
 * it), reason, cooldownTime]` and a reservation `[now, next minute's start, estimated tokens,
 * [[id, rpm or -1, tpm or -1]...] in order of preference]`.
 *
 * A release: one fewer in flight; a request never sent un-counted; the token estimate replaced
 * by the tokens used; the latency averaged; a failure counted, cooling the deployment at once or
 * past `allowedFails`. A reservation: the first candidate neither cooling down nor at its limits
 * gets a request, the estimated tokens and one in flight. Returns JSON
 * `{ "c": chosen id or "", "t": availableAt or 0, "s": [[inFlight, requests, tokens, latency or
 * -1, cooldownUntil] per candidate] }` (`{}` without a reservation).
 */
export const STEP = script(`
local input = cjson.decode(ARGV[1])
local allowedFails = input.f
for _, r in ipairs(input.r) do
  local id, now, sent, sameMinute, estimated, tokens, latency, failed, canCoolDown, cooldownMs, reason, cooldownTime =
    r[1], r[2], r[3] == 1, r[4] == 1, r[5], r[6], r[7], r[8] == 1, r[9] == 1, r[10], r[11], r[12]
  if redis.call('HINCRBY', KEYS[3], id, -1) < 0 then redis.call('HSET', KEYS[3], id, 0) end
  redis.call('EXPIRE', KEYS[3], ${STATE_KEY_TTL_SECONDS})
  local counted = 0
  if sameMinute then counted = estimated end
  if not sent then
    if sameMinute then
      redis.call('HINCRBY', KEYS[1], id .. '|r', -1)
      redis.call('HINCRBY', KEYS[1], id .. '|t', -estimated)
    end
  else
    if tokens >= 0 and tokens ~= counted then
      if redis.call('HINCRBY', KEYS[1], id .. '|t', tokens - counted) < 0 then
        redis.call('HSET', KEYS[1], id .. '|t', 0)
      end
    end
    if latency >= 0 then
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
            redis.call('HSET', KEYS[2], id, string.format('%d', untilMs) .. '|' .. reason)
            if redis.call('PTTL', KEYS[2]) < untilMs - now + 1000 then
              redis.call('PEXPIRE', KEYS[2], untilMs - now + 1000)
            end
          end
        end
      end
    end
  end
  redis.call('EXPIRE', KEYS[1], ${MINUTE_KEY_TTL_SECONDS})
end

local reservation = input.a
if reservation == nil then return '{}' end
local now, nextMinute, estimated, candidates = reservation[1], reservation[2], reservation[3], reservation[4]
local chosen = ''
local availableAt = 0
local stats = {}
for _, candidate in ipairs(candidates) do
  local id, rpm, tpm = candidate[1], candidate[2], candidate[3]
  local cooldown = redis.call('HGET', KEYS[2], id)
  local untilMs = 0
  if cooldown then untilMs = tonumber(string.match(cooldown, '^(%d+)')) or 0 end
  local requests = tonumber(redis.call('HGET', KEYS[1], id .. '|r') or '0')
  local tokens = tonumber(redis.call('HGET', KEYS[1], id .. '|t') or '0')
  local inFlight = tonumber(redis.call('HGET', KEYS[3], id) or '0')
  if chosen == '' then
    if untilMs > now then
      if availableAt == 0 or untilMs < availableAt then availableAt = untilMs end
    elseif (rpm >= 0 and requests >= rpm) or (tpm >= 0 and tokens > 0 and tokens + estimated > tpm) then
      if availableAt == 0 or nextMinute < availableAt then availableAt = nextMinute end
    else
      chosen = id
      requests = redis.call('HINCRBY', KEYS[1], id .. '|r', 1)
      tokens = redis.call('HINCRBY', KEYS[1], id .. '|t', estimated)
      redis.call('EXPIRE', KEYS[1], ${MINUTE_KEY_TTL_SECONDS})
      inFlight = redis.call('HINCRBY', KEYS[3], id, 1)
      redis.call('EXPIRE', KEYS[3], ${STATE_KEY_TTL_SECONDS})
    end
  end
  local latency = tonumber(redis.call('HGET', KEYS[4], id) or '') or -1
  table.insert(stats, { inFlight, requests, tokens, latency, untilMs })
end
return cjson.encode({ c = chosen, t = availableAt, s = stats })
`);
