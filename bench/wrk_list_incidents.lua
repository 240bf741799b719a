-- SPDX-License-Identifier: MIT
-- wrk script for bench/api.sh: the filtered list page
-- GET /api/v1/incidents?state=analysis&limit=50, authenticated with the token in HK_TOKEN.
local token = os.getenv("HK_TOKEN") or ""

wrk.method = "GET"
wrk.path = "/api/v1/incidents?state=analysis&limit=50"
wrk.headers["Authorization"] = "Bearer " .. token
