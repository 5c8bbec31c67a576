-- expect: error
-- require takes dotted module names only: no absolute paths, no '..', no
-- separators; every refusal names require and says why.
for _, name in ipairs{"/etc/passwd", "../../etc/passwd", "..", "a/b", "a\\b", "~/.ssh/id_rsa", "", "x\27[8m"} do
  local ok, e = pcall(require, name)
  assert(not ok, name)
  assert(e:find("bad argument #1 to 'require'", 1, true) and e:find("is not valid", 1, true), e)
end
-- run
return require("/etc/passwd")
