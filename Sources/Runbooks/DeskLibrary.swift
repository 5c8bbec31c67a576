/// Lua source of the `desk` and `helpcenter` namespaces. Trusted code run by
/// `LuaHost.install`; every function here ends in one host function of the
/// call gate, so the policy is enforced in Swift whatever the route.
///
/// - `desk.<resource>….<verb>(…)` and `helpcenter.…` — friendly bindings;
///   `….each(…)` / `….all(…)` next to every `list` stream or collect pages.
/// - `desk.api.<operationId>{…}` — every catalog operation (resolved lazily).
/// - `desk.request(method, path, {query=…, body=…})` — raw escape hatch.
/// - `desk.<old_name>(ids…, p)` — the earlier Python client's names.
/// - `desk.each(list, fn, {concurrency=N})`, `desk.parallel{f1, f2, …}` —
///   N defaults to the run's concurrency (`--concurrency`, profile, edition);
///   concurrent work bounded by the org's limiter; results in input order.
/// - `desk.null`, `desk.array{}` — JSON helpers for bodies.
/// - `desk.unchecked{…}` — a body table whose fields the spec does not list
///   are sent anyway (known fields are still checked); audited as such.
/// - A name that is not there (`desk.tikets`, `desk.tickets.lst`) is an
///   error with the closest names, not a nil to call.
package func deskLibrarySource(returning which: String) -> String {
    #"""
    local H = ...
    local call, call_api, request, info_of = H.call, H.call_api, H.request, H.binding_info
    local page_start, page_next = H.page_start, H.page_next
    local lock, spawn_in, call_slots, join, yieldable = H.lock, H.spawn_in, H.call_slots, H.join, H.co_isyieldable
    local pack, unpack = table.pack, table.unpack
    local type, pairs, ipairs, error, pcall, select, tostring = type, pairs, ipairs, error, pcall, select, tostring
    local min = math.min

    local roots = { desk = {}, helpcenter = {} }

    -- Pages of a list binding, one page in memory at a time. The rules
    -- (from 1, the operation's maximum limit, end on an empty or short page,
    -- a repeated page is an error) are the host's PageCursor: this loop only
    -- fetches through the gate and carries the cursor's state.
    local function pages_of(name, ...)
      local info = info_of(name)
      local args = pack(...)
      local opts = {}
      if args.n > info.positional and type(args[args.n]) == "table" then
        for k, v in pairs(args[args.n]) do opts[k] = v end
        args.n = args.n - 1
      end
      local state = page_start(name, opts.limit, opts.from)
      local buffer, i = nil, 0
      return function()
        while true do
          if buffer and i < #buffer then i = i + 1; return buffer[i] end
          if state.done then return nil end
          if info.from then opts.from = state.from end
          if info.limit then opts.limit = state.limit end
          args[info.positional + 1] = opts
          buffer = call(name, unpack(args, 1, info.positional + 1))
          i = 0
          if type(buffer) ~= "table" then buffer = {} end
          state = page_next(name, state, #buffer, buffer[1])
        end
      end
    end

    local function place(root, parts, key, value)
      local t = root
      for n = 2, #parts - 1 do
        local p = parts[n]
        t[p] = t[p] or {}
        t = t[p]
      end
      t[key] = value
    end

    -- Only this root's names (desk's include the earlier client's aliases):
    -- the other root is built by its own install.
    for _, name in ipairs(H.binding_names("\#(which)")) do
      local f = function(...) return call(name, ...) end
      local parts = {}
      for p in name:gmatch("[^.]+") do parts[#parts + 1] = p end
      if #parts == 1 then
        roots.desk[name] = f  -- an alias of the earlier client
      else
        local root = roots[parts[1]]
        local verb = parts[#parts]
        place(root, parts, verb, f)
        local suffix = verb:match("^list(.*)$")
        if suffix then
          place(root, parts, "each" .. suffix, function(...) return pages_of(name, ...) end)
          place(root, parts, "all" .. suffix, function(...)
            local out = {}
            for item in pages_of(name, ...) do out[#out + 1] = item end
            return out
          end)
        end
      end
    end

    -- desk.api.<operationId>: resolved on first use, so start-up does not
    -- pay for 706 closures or the catalog.
    local api_cache = {}
    local api = H.seal(setmetatable({}, {
      __index = function(_, id)
        local f = api_cache[id]
        if f == nil and type(id) == "string" then
          if not H.has_operation(id) then error(H.missing_name("desk.api", id), 2) end
          f = function(args) return call_api(id, args) end
          api_cache[id] = f
        end
        return f
      end,
      __newindex = function() error("attempt to modify read-only table 'desk.api'", 2) end,
      __metatable = "locked",
    }))

    -- desk.each / desk.parallel: N calls in flight (bounded again by the
    -- org's limiter in the client). Worker coroutines take the items in
    -- turn and suspend at their API calls; there are 2N of them, so that
    -- while N calls are out the others have their next call checked,
    -- audited and waiting for the first free slot (CallSlots.swift). Every call still
    -- goes through the gate on the Lua thread (policy, caps, dry-run,
    -- audit, journal), and the run's limits count all workers together.
    -- Results come back in input order; an item's error lands in errors[i]
    -- and the others' results are kept. H.progress, when the host provides
    -- it, draws a progress line on a terminal.
    local progress = H.progress
    local function each(list, fn, opts, label)
      if type(list) ~= "table" then error("bad argument #1 to 'desk.each' (table expected, got " .. type(list) .. ")", 2) end
      if type(fn) ~= "function" then error("bad argument #2 to 'desk.each' (function expected, got " .. type(fn) .. ")", 2) end
      local n = (type(opts) == "table" and opts.concurrency) or H.concurrency()
      -- NaN fails every comparison, so it is refused by name: `n < 1` alone would let it through.
      if type(n) ~= "number" or n ~= n or n < 1 then
        error("bad argument #3 to 'desk.each' (concurrency must be a positive number, got " .. tostring(n) .. ")", 2)
      end
      label = label or "desk.each"
      local count = #list
      local results, errors, failed, done = {}, {}, 0, 0
      local function one(i)
        local ok, r = pcall(fn, list[i], i)
        if ok then results[i] = r else errors[i] = r; failed = failed + 1 end
        done = done + 1
        if progress then progress(label, done, count, failed) end
      end
      if not yieldable() or n == 1 then
        -- Where a coroutine cannot suspend (sort comparators, gsub callbacks,
        -- metamethods called from C), work in order: each call then waits on
        -- the Lua thread.
        for i = 1, count do one(i) end
      else
        local next_i = 0
        local function worker()
          while true do
            next_i = next_i + 1
            local i = next_i
            if i > count then return end
            one(i)
          end
        end
        local ids, width = {}, min(n, count) // 1
        if width >= 1 then
          local slots = call_slots(width)
          for w = 1, min(2 * width, count) do ids[w] = spawn_in(slots, worker) end
        end
        local crashed = join(ids)
        for _, e in ipairs(crashed) do if e ~= H.NULL then error(e, 0) end end
      end
      if failed > 0 then return results, errors end
      return results
    end

    local function parallel(fns, opts)
      if type(fns) ~= "table" then error("bad argument #1 to 'desk.parallel' (table of functions expected)", 2) end
      return each(fns, function(f) return f() end, opts, "desk.parallel")
    end

    local desk = roots.desk
    desk.api = api
    desk.request = function(method, path, opts)
      if type(method) ~= "string" then error("bad argument #1 to 'desk.request' (string expected, got " .. type(method) .. ")", 2) end
      if type(path) ~= "string" then error("bad argument #2 to 'desk.request' (string expected, got " .. type(path) .. ")", 2) end
      if opts ~= nil and type(opts) ~= "table" then error("bad argument #3 to 'desk.request' (table expected, got " .. type(opts) .. ")", 2) end
      return request(method, path, opts or {})
    end
    desk.each = each
    desk.parallel = parallel
    desk.null = H.NULL
    desk.array = function(t) return setmetatable(t or {}, H.array_mt) end
    desk.calls = H.calls_made
    local UNCHECKED = H.unchecked_key()
    desk.unchecked = function(t)
      if type(t) ~= "table" then error("bad argument #1 to 'desk.unchecked' (table of body fields expected, got " .. type(t) .. ")", 2) end
      local fields, names = {}, {}
      for k, v in pairs(t) do
        fields[k] = v
        if type(k) == "string" then names[#names + 1] = k end
      end
      fields[UNCHECKED] = setmetatable(names, H.array_mt)
      return fields
    end

    -- Every namespace refuses a name it does not have, with the closest
    -- ones: `desk.tikets.list()` says "did you mean desk.tickets?" instead
    -- of "attempt to index a nil value".
    local function deep_lock(t, name)
      for k, v in pairs(t) do
        if type(v) == "table" and k ~= "api" then t[k] = deep_lock(v, name .. "." .. k) end
      end
      setmetatable(t, { __index = function(_, k)
        if type(k) ~= "string" then return nil end
        local names = {}
        for key in pairs(t) do if type(key) == "string" then names[#names + 1] = key end end
        error(H.missing_name(name, k, names), 2)
      end })
      return lock(t, name)
    end
    return deep_lock(roots["\#(which)"], "\#(which)")
    """#
}
