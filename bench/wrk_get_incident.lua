-- SPDX-License-Identifier: MIT
-- wrk script for bench/api.sh: GET /api/v1/incidents/{id} with a random id in
-- [1, HK_MAX_ID] on every request, authenticated with the bearer token in HK_TOKEN.
local token = os.getenv("HK_TOKEN") or ""
local max_id = tonumber(os.getenv("HK_MAX_ID") or "1000000")
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("tid", counter)
end

function init(args)
    math.randomseed(1000 + (tid or 0))
    wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
    return wrk.format("GET", "/api/v1/incidents/" .. math.random(1, max_id))
end
