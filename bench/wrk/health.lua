-- wrk load: the trivial route, for the ceiling rows of bench/run.sh.
-- GET /healthz, no authentication.

wrk.method = "GET"
wrk.path = "/healthz"
wrk.body = nil
wrk.headers["Accept"] = "application/json"
