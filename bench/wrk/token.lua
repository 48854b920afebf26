-- wrk load: token issuance.
-- POST /oauth/token, grant_type=client_credentials&scope=read,
-- HTTP Basic client authentication.
--
-- Environment (set by bench/run.sh):
--   BENCH_BASIC_AUTH  value for the Authorization header ("Basic ...")

local auth = os.getenv("BENCH_BASIC_AUTH")
if auth == nil or auth == "" then
  error("token.lua: BENCH_BASIC_AUTH is not set")
end

wrk.method = "POST"
wrk.path = "/oauth/token"
wrk.body = "grant_type=client_credentials&scope=read"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = auth
