-- expect: denied
-- A path outside the catalog, in lower case: destructive unless a route grant names it.
return desk.request("post", "/api/v1/custom/wipe", {body = {x = 1}})
