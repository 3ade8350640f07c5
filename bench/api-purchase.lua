-- bench/api-purchase.lua: wrk script for bench/api.sh. POST /v1/purchases of quantity 1 of product
-- (1..$API_BENCH_PRODUCTS), as one of the logged-in users whose session tokens are in the file
-- $API_BENCH_TOKENS (one a line). Requests are formatted once in init: user i buys products in a stride
-- so consecutive requests name different products and optimistic conflicts stay rare.
local requests = {}
local next_index = 1

function init(args)
    local count = tonumber(os.getenv("API_BENCH_PRODUCTS") or "1000")
    local tokens = {}
    for line in io.lines(os.getenv("API_BENCH_TOKENS")) do
        if #line > 0 then tokens[#tokens + 1] = line end
    end
    assert(#tokens > 0, "no session tokens in $API_BENCH_TOKENS")
    -- count requests, product ids 1..count each once, users in turn; 7919 is prime, so the stride visits
    -- every id when count is not a multiple of it.
    for i = 1, count do
        local product = (i * 7919) % count + 1
        local headers = {
            ["Authorization"] = "Bearer " .. tokens[(i - 1) % #tokens + 1],
            ["Content-Type"] = "application/json",
        }
        local body = '{"items":[{"product_id":' .. product .. ',"quantity":1}]}'
        requests[i] = wrk.format("POST", "/v1/purchases", headers, body)
    end
    next_index = math.random(count)
end

function request()
    local r = requests[next_index]
    next_index = next_index % #requests + 1
    return r
end
