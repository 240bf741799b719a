-- SPDX-License-Identifier: MIT
-- wrk script for bench/ui.sh: GET HK_PATH with the web UI's session cookie (HK_COOKIE,
-- "hk_session=...") as a browser would send it; GET needs no CSRF token.
wrk.method = "GET"
wrk.path = os.getenv("HK_PATH") or "/api/v1/dashboard"
wrk.headers["Cookie"] = os.getenv("HK_COOKIE") or ""
