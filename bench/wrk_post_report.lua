-- SPDX-License-Identifier: MIT
-- wrk script for bench/api.sh: POST /api/v1/reports with a distinct body on every request
-- (so no report is folded as a duplicate), each mentioning a few observables (IPv4, a
-- defanged domain, a hash, a CVE id) drawn from a pool, so extraction and correlation run.
local token = os.getenv("HK_TOKEN") or ""
local counter = 0
local n = 0
local kinds = {"SSH brute force", "Phishing", "Malware C2", "Port scan", "Spam"}

function setup(thread)
    counter = counter + 1
    thread:set("tid", counter)
end

function init(args)
    math.randomseed(2000 + (tid or 0))
    wrk.headers["Authorization"] = "Bearer " .. token
    wrk.headers["Content-Type"] = "application/json"
end

local function ip()
    return string.format("%d.%d.%d.%d", math.random(11, 222), math.random(0, 255),
                         math.random(0, 255), math.random(1, 254))
end

function request()
    n = n + 1
    local kind = kinds[math.random(1, #kinds)]
    local body = string.format(
        '{"source":"api","reporter":"bench-%d@example.org","subject":"%s from %s",' ..
        '"content":"Seen %s from %s against our host %s; payload hosted on ' ..
        'hxxp://bad-%d[.]example[.]com/x.php (md5 %08x%08x%08x%08x), exploiting ' ..
        'CVE-2021-%d. Request %d of wrk thread %d."}',
        tid or 0, kind, ip(), kind, ip(), ip(), math.random(1, 5000),
        math.random(0, 0x7fffffff), math.random(0, 0x7fffffff), math.random(0, 0x7fffffff),
        n, math.random(1000, 45000), n, tid or 0)
    return wrk.format("POST", "/api/v1/reports", nil, body)
end
