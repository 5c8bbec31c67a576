-- expect: denied
-- Lower-case and odd methods through desk.request count as destructive when not in the catalog.
return desk.request("patch", "/api/v1/tickets/../../oauth/v2/token", {body = {x = 1}})
