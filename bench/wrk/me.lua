-- wrk load: bearer-protected resource.
-- GET /api/me with Authorization: Bearer <one valid access token>.
--
-- Environment (set by bench/run.sh):
--   BENCH_TOKEN  the access token to present

local token = os.getenv("BENCH_TOKEN")
if token == nil or token == "" then
  error("me.lua: BENCH_TOKEN is not set")
end

wrk.method = "GET"
wrk.path = "/api/me"
wrk.body = nil
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
