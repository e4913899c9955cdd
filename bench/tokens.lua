-- POST with single-use JSON bodies, one a line in the file $BENCH_BODIES: every request sends
-- the next unused body. wrk thread k of $BENCH_THREADS (k from 0) takes lines k+1, k+1+T,
-- k+1+2T... so threads never share a body; a thread that runs out starts its slice again
-- (those requests fail, as a reused body must) and counts those requests as `exhausted`.
-- `done` prints "non-2xx N" (every response outside 200..299) and "exhausted N": the runner
-- treats any non-2xx as an invalid round.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
  thread:set("idx", #threads)
  thread:set("stride", tonumber(os.getenv("BENCH_THREADS") or "1"))
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  local n = 0
  for line in io.lines(os.getenv("BENCH_BODIES")) do
    if n % stride == idx and line ~= "" then bodies[#bodies + 1] = line end
    n = n + 1
  end
  next_body = 1
  wrapped = false
  non2xx = 0
  exhausted = 0
end

function request()
  if next_body > #bodies then next_body, wrapped = 1, true end
  if wrapped then exhausted = exhausted + 1 end
  local body = bodies[next_body]
  next_body = next_body + 1
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad, out = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    out = out + t:get("exhausted")
  end
  io.write(string.format("non-2xx %d\nexhausted %d\n", bad, out))
end
