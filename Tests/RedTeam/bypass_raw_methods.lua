-- expect: error
-- Lower-case and odd methods through desk.request, with a path that climbs out
-- of /api/v1: refused as a malformed path before anything is sent.
return desk.request("patch", "/api/v1/tickets/../../oauth/v2/token", {body = {x = 1}})
