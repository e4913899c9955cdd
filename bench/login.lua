-- POST /login/ with a fixed user and its password (wrong on purpose when BENCH_WRONG=1, so
-- no sessions pile up; both paths cost one password verification).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"' .. os.getenv("BENCH_EMAIL") .. '","password":"' ..
           os.getenv("BENCH_PASSWORD") .. '"}'
