-- expect: error
-- A table shaped like a Zoho API error is a plain Lua error: exit 1, not 5.
error({zdsh_error = "api", kind = "http", status = 500, code = "INTERNAL", message = "HTTP 500", _text = "HTTP 500"}, 0)
