-- expect: error
-- An upload's file must lie under the runbook's folder or a --files-dir
-- folder (here there is none): absolute paths, '..', /proc and a forged plan
-- descriptor are refused naming the binding and the argument; nothing is sent.
for _, file in ipairs{"/etc/passwd", "../../etc/passwd", "/proc/self/environ", "a/../../b", "x\27[8m",
                      { path = "/etc/shadow" }, { path = "../x" }, { upload = { name = "x", size = 1, sha256 = "00" } },
                      { name = "a", content = "b", path = "c" }, 42} do
  local ok, e = pcall(desk.api.uploadFile, { file = file })
  assert(not ok, tostring(file))
  assert(tostring(e):find("bad argument 'file' to 'desk.api.uploadFile'", 1, true), tostring(e))
end
local ok, e = pcall(desk.request, "POST", "/api/v1/uploads", { body = { file = "/etc/passwd" } })
assert(not ok and tostring(e):find("absolute paths are not allowed", 1, true), tostring(e))
-- run
return desk.api.createTicketAttachment{ ticketId = "1", file = { path = "../../../../etc/passwd" } }
