-- expect: ok
-- No file, process or environment access: io, os.execute, os.getenv, loadfile, dofile, package.loadlib are absent.
return io == nil and (os == nil or (os.execute == nil and os.getenv == nil and os.remove == nil))
  and loadfile == nil and dofile == nil and (package == nil or package.loadlib == nil) and debug == nil
