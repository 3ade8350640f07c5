-- bench/api-get.lua: wrk script for bench/api.sh. GET /v1/products/{id}, ids 1..$API_BENCH_PRODUCTS in
-- turn, from requests formatted once in init (a request() that formats each time would slow wrk).
local requests = {}
local next_index = 1

function init(args)
    local count = tonumber(os.getenv("API_BENCH_PRODUCTS") or "1000")
    for id = 1, count do
        requests[id] = wrk.format("GET", "/v1/products/" .. id)
    end
    -- Each wrk thread starts at its own offset, so threads do not walk the ids in step.
    next_index = math.random(count)
end

function request()
    local r = requests[next_index]
    next_index = next_index % #requests + 1
    return r
end
