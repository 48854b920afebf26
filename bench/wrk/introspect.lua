-- wrk load: token introspection (RFC 7662).
-- POST /oauth/introspect, token=<one valid access token>,
-- HTTP Basic client authentication.
--
-- Every 200 response is checked for "active": true; the number that were
-- not is printed at the end as "Inactive introspections: N" so the harness
-- can flag a server that answers quickly but wrongly.
--
-- Environment (set by bench/run.sh):
--   BENCH_BASIC_AUTH  value for the Authorization header ("Basic ...")
--   BENCH_TOKEN       the access token to introspect

local auth = os.getenv("BENCH_BASIC_AUTH")
local token = os.getenv("BENCH_TOKEN")
if auth == nil or auth == "" then
  error("introspect.lua: BENCH_BASIC_AUTH is not set")
end
if token == nil or token == "" then
  error("introspect.lua: BENCH_TOKEN is not set")
end

-- Form-encode the token (opaque tokens are usually URL-safe, but be exact).
local function form_encode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

wrk.method = "POST"
wrk.path = "/oauth/introspect"
wrk.body = "token=" .. form_encode(token)
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = auth

-- Per-thread counters live in each thread's own Lua state; the main state
-- keeps the thread handles so done() can add them up.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  inactive = 0
end

function response(status, headers, body)
  if status == 200 and not (body and body:find('"active"%s*:%s*true')) then
    inactive = inactive + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do
    n = n + (tonumber(t:get("inactive")) or 0)
  end
  io.write(string.format("Inactive introspections: %d\n", n))
end
