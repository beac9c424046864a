-- wrk script for bench/intake.py: a distinct, valid filing per request, every status counted.
-- Arguments after "--": path, csrf token, csrftoken cookie, run tag, and "form" (the page's
-- form, urlencoded, with the CSRF pair) or "json" (the API's body, no cookie).

local types = {
  "access", "correction", "deletion", "portability",
  "restriction", "objection", "complaint", "question",
}
local countries = { "DE", "FR", "CH", "GB", "US", "IT", "ES", "NL", "AT", "IE" }
local threads = {}
local path, token, tag, mode = "/", "", "run", "form"

-- Globals (not locals) so that done() can read them from each thread with thread:get().
sent = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  path, token, tag, mode = args[1], args[2], args[4], args[5] or "form"
  wrk.method = "POST"
  if mode == "json" then
    wrk.headers["Content-Type"] = "application/json"
  else
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Cookie"] = "csrftoken=" .. args[3]
  end
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local function details(who)
  return "Please send me a copy of the personal data you hold about me (filing " .. who
    .. "), where it came from and who you shared it with."
end

function request()
  sent = sent + 1
  local who = tag .. "-" .. thread_id .. "-" .. sent
  local body
  if mode == "json" then
    -- Names and addresses are plain ASCII here: no JSON escaping needed.
    body = string.format(
      '{"request_type": "%s", "full_name": "%s", "email": "%s", "country": "%s", '
        .. '"details": "%s", "consent": true}',
      types[sent % #types + 1], "Bench Requester " .. who, "bench." .. who .. "@example.com",
      countries[sent % #countries + 1], details(who)
    )
  else
    body = table.concat({
      "csrfmiddlewaretoken=" .. token,
      "form_token=" .. encode(who),
      "request_type=" .. types[sent % #types + 1],
      "full_name=" .. encode("Bench Requester " .. who),
      "email=" .. encode("bench." .. who .. "@example.com"),
      "country=" .. countries[sent % #countries + 1],
      "details=" .. encode(details(who)),
      "consent=on",
    }, "&")
  end
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total_sent, counts = 0, {}
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"responses": %d, "sent": %d, "duration_us": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, '
      .. '"p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "statuses": {%s}}\n',
    summary.requests, total_sent, summary.duration, errors.connect, errors.read,
    errors.write, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, table.concat(parts, ", ")
  ))
end
