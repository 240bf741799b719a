-- SPDX-License-Identifier: MIT
-- wrk script for bench/list_sort.sh: GET HK_PATH (a sorted list page) with the bearer
-- token in HK_TOKEN.
wrk.method = "GET"
wrk.path = os.getenv("HK_PATH") or "/api/v1/incidents?sort=updated&limit=50"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("HK_TOKEN") or "")
