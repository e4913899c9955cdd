-- GET /audit-log/?user_id=N for a random N in 1..BENCH_USERS, with the admin token in
-- BENCH_TOKEN: one page of a user's events, as an admin looking someone up would ask.
local users = tonumber(os.getenv("BENCH_USERS") or "10000")
local token = os.getenv("BENCH_TOKEN")
math.randomseed(os.time())

request = function()
  local path = "/audit-log/?user_id=" .. math.random(1, users)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
