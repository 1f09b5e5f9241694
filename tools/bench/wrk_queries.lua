-- wrk script: cycles through a benchmark query file (docs/benchmarks.md,
-- "Query files") as GET /search requests. Each wrk thread starts at its own
-- offset. Set FACETS=1 in the environment to ask for every facet as well, and
-- ENDPOINT=/ to ask the HTML search page (same parameters) instead of
-- /search (tools/bench/page_bench.sh).
--   wrk -t2 -c8 -d10s -s tools/bench/wrk_queries.lua http://127.0.0.1:8080 -- QUERIES
local queries = {}
local idx = 0
local facets = os.getenv("FACETS") == "1"
local endpoint = os.getenv("ENDPOINT") or "/search"

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local filters = {}
      local words = {}
      -- Turn the query-file syntax into the API's: country:xx and year:YYYY
      -- become filters, the rest is q (words ANDed, phrases kept).
      local rest = line:gsub("country:(%a%a)", function(c) table.insert(filters, "country=" .. c); return "" end)
      rest = rest:gsub("year:(%d%d%d%d)", function(y)
        table.insert(filters, "from=" .. y .. "-01-01&to=" .. y .. "-12-31"); return "" end)
      local q = endpoint .. "?limit=10&q=" .. urlencode(rest)
      if #filters > 0 then q = q .. "&" .. table.concat(filters, "&") end
      if facets then q = q .. "&facets=actor,country,about,lang,source,date" end
      -- Formatted once here, not per request: wrk shares the machine with
      -- the daemon, so its own cost per request is kept small.
      table.insert(queries, wrk.format("GET", q))
    end
  end
  idx = math.random(#queries)
end

function request()
  idx = idx % #queries + 1
  return queries[idx]
end

function done(summary, latency, requests)
  -- Bytes received (heads included) go last, so readers of the earlier
  -- columns (daemon_bench.sh) need no change.
  io.write(string.format("WRK\t%d\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency.max, summary.bytes))
end
