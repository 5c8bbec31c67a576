import CLua
import CLuaShim
import Foundation
import JSONValue

/// Lua's registry pseudo-index (LUA_REGISTRYINDEX is a macro Swift cannot import).
let LUA_REGISTRY: Int32 = -1_000_000 - 1000

/// The value a chunk returned, for display.
public enum RunValue: Equatable, Sendable {
    case json(JSON)
    /// A value with no JSON form (function, coroutine, cyclic table): its description.
    case opaque(String)
}

/// A sandboxed Lua 5.4 state and the scheduler that runs its coroutines.
///
/// Knows nothing of Zoho: the shell adds bindings with `register` and
/// `install`. Every Lua call happens on the host's own thread; the public
/// methods may be called from any one thread at a time.
///
/// `@unchecked Sendable`: the Lua state and everything about a run (`L`,
/// the function table, counters, the scheduler) are touched only on
/// `thread`, which every public entry point hops to with `thread.sync`;
/// the one method meant for other threads, `interrupt`, is a C11 atomic
/// store (`zd_interrupt`). `options` is set between runs by the single
/// owner, never during one.
public final class LuaHost: @unchecked Sendable {
    /// How a host runs its chunks.
    public struct Options {
        /// The limits of every run.
        public var limits: Limits
        /// Receives everything `print` writes.
        public var output: (String) -> Void
        /// Folders `require` may load modules from, searched in order. A
        /// module must also really lie inside one of them (links resolved).
        public var modulePaths: [String]
        /// When set, receives what `print` writes as bytes, exactly as the
        /// Lua strings held them (`output` then gets nothing): a runbook's
        /// output to a pipe is its own, byte for byte, as with `lua`.
        public var rawOutput: (([UInt8]) -> Void)?

        /// Options with `limits`, `print` going to `output` (stdout by default) and `require` searching `modulePaths`.
        public init(limits: Limits = .defaults, output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                    modulePaths: [String] = []) {
            self.limits = limits; self.output = output; self.modulePaths = modulePaths
        }
    }

    /// Read at the start of each run; change it between runs only.
    public var options: Options
    let thread = LuaThread()
    let runtime: UnsafeMutablePointer<zd_runtime>
    private(set) var L: OpaquePointer!
    private var closed = false

    // Host functions; the index lives in the Lua closure's upvalue. An array,
    // not a dictionary: every host call looks its function up here.
    private var functions: ContiguousArray<(name: String, body: HostFunction)> = []
    private var hostTableRef: Int32 = 0
    private var envRef: Int32 = 0
    private var outputWritten = 0

    let scheduler: Scheduler

    /// Scheduler waits on its inbox when no host work could arrive (for tests:
    /// each is a poll interval in which the run stood still).
    var idleWaits: Int { thread.sync { [scheduler] in scheduler.idleWaits } }

    // The three pointers below are never written through after creation:
    // a NUL byte's address and two addresses used only as identities.

    /// Where an empty chunk's bytes "are" (an empty array may have no address).
    nonisolated(unsafe) static let emptyCode: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.pointee = 0
        return p
    }()

    nonisolated(unsafe) static let suspendToken = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    nonisolated(unsafe) static let nullToken = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    /// A new Lua state with the sandbox installed, on its own thread. Throws when the state cannot be created.
    public init(options: Options = Options()) throws {
        self.options = options
        runtime = UnsafeMutablePointer<zd_runtime>.allocate(capacity: 1)
        runtime.initialize(to: zd_runtime())
        scheduler = Scheduler()
        scheduler.host = self
        thread.sync { [runtime] in zd_bind_thread(runtime) }
        try thread.sync { try self.setUp() }
    }

    deinit {
        close()
        runtime.deallocate()
    }

    /// Closes the state. Safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        thread.sync { [self] in
            if let L { lua_close(L) }
            L = nil
        }
        thread.stop()
    }

    // MARK: - Set-up

    private func setUp() throws {
        LuaHost.installDispatcher
        guard let L = zd_newstate(runtime) else { throw LuaError.host("cannot create a Lua state") }
        self.L = L
        zd_extraspace(L).pointee = Unmanaged.passUnretained(self).toOpaque()
        guard zd_openlibs(L) == LUA_OK else { throw LuaError.host("cannot open the Lua libraries") }

        let stack = LuaStack(L)
        // Registry values shared with LuaJSON.
        stack.pushLightUserdata(LuaHost.nullToken)
        stack.setRawField(LUA_REGISTRY, LuaJSON.nullKey)
        lua_createtable(L, 0, 1)
        stack.setRawField(LUA_REGISTRY, LuaJSON.arrayMarkerKey)
        lua_createtable(L, 0, 2)
        stack.setRawField(LUA_REGISTRY, LuaHost.errorMetatableKey)
        installRaisedErrors(L)

        let H = pushHostTable(stack)
        registerBuiltins(into: H)
        lua_pushvalue(L, H)
        hostTableRef = luaL_ref(L, LUA_REGISTRY)
        scheduler.hostTableRefIndex = hostTableRef

        // Run the prelude; it returns the sandbox environment.
        try loadTrusted(preludeSource, name: "=zdsh:prelude")
        lua_pushvalue(L, H)
        guard zd_pcall_trusted(L, 1, 1) == LUA_OK else {
            throw LuaError.host("prelude failed: \(stack.string(at: -1) ?? "?")")
        }
        lua_pushvalue(L, -1)
        envRef = luaL_ref(L, LUA_REGISTRY)
        // The environment becomes the globals: `load` without an env argument
        // and every chunk the host loads see the sandbox, never the full _G.
        lua_rawseti(L, LUA_REGISTRY, lua_Integer(LUA_RIDX_GLOBALS))
        lua_settop(L, 0)
    }

    /// Pushes H, the private table handed to trusted setup code: tokens,
    /// shared metatables and the sandbox's C functions. Returns its index.
    private func pushHostTable(_ stack: LuaStack) -> Int32 {
        lua_createtable(L, 0, 32)
        let H = lua_gettop(L)
        stack.pushLightUserdata(LuaHost.suspendToken); stack.setRawField(H, "SUSPEND")
        stack.pushLightUserdata(LuaHost.nullToken); stack.setRawField(H, "NULL")
        lua_createtable(L, 0, 0)
        lua_createtable(L, 0, 1)
        stack.push("k"); stack.setRawField(-2, "__mode")
        lua_setmetatable(L, -2)
        stack.setRawField(H, "hostthreads")
        stack.rawField(LUA_REGISTRY, LuaJSON.arrayMarkerKey); stack.setRawField(H, "array_mt")
        stack.rawField(LUA_REGISTRY, LuaHost.errorMetatableKey); stack.setRawField(H, "error_mt")
        let cfunctions: [(String, lua_CFunction)] = [
            ("pcall", zd_pcall), ("xpcall", zd_xpcall), ("load", zd_load),
            ("find", zd_str_find), ("match", zd_str_match), ("gmatch", zd_str_gmatch), ("gsub", zd_str_gsub),
            ("raise_if_tripped", zd_raise_if_tripped), ("tripped", zd_tripped),
            ("co_resume", zd_co_resume), ("co_close", zd_co_close),
        ]
        for (name, f) in cfunctions {
            lua_pushcclosure(L, f, 0)
            stack.setRawField(H, name)
        }
        // json.decode builds its result in C, inside the run's limits (see
        // json_decode.c); it needs the null token and the array marker.
        stack.pushLightUserdata(LuaHost.nullToken)
        stack.rawField(LUA_REGISTRY, LuaJSON.arrayMarkerKey)
        zd_push_json_decode(L)
        stack.setRawField(H, "json_decode")
        return H
    }

    static let errorMetatableKey = "zdsh.error.mt"

    private static let installDispatcher: Void = {
        zd_set_dispatch { L, fnid, nyield in
            guard let L, let raw = zd_extraspace(L).pointee else { return ZD_HOST_ERROR }
            // The state cannot outlive its host: no retain on the hot path.
            return Unmanaged<LuaHost>.fromOpaque(raw)._withUnsafeGuaranteedRef { $0.dispatch(L, fnid, nyield!) }
        }
    }()

    private func loadTrusted(_ source: String, name: String) throws {
        try loadTrusted(Array(source.utf8), name: name)
    }

    private func loadTrusted(_ source: [UInt8], name: String) throws {
        let status = source.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { zd_loadtext(L, $0.baseAddress ?? UnsafePointer(LuaHost.emptyCode), $0.count, name) }
        }
        guard status == LUA_OK else {
            throw LuaError.host("cannot load \(name): \(LuaStack(L).string(at: -1) ?? "?")")
        }
    }

    private func registerBuiltins(into H: Int32) {
        let stack = LuaStack(L)
        let builtins: [(String, HostFunction)] = [
            ("write", { [unowned self] call in try self.write(call) }),
            ("readmodule", { [unowned self] call in try self.readModule(call) }),
            ("runnumber", { [unowned self] _ in .value(.int(self.runNumber)) }),
            ("await", { [unowned self] call in try self.scheduler.awaitCall(call) }),
            ("spawn", { [unowned self] call in try self.scheduler.spawnCall(call) }),
            ("call_slots", { [unowned self] call in try self.scheduler.slotsCall(call) }),
            ("spawn_in", { [unowned self] call in try self.scheduler.spawnInCall(call) }),
            ("join", { call in
                guard lua_type(call.L, 1) == LUA_TTABLE else { throw call.fail(1, "table") }
                let ids = try call.json(1).arrayValue?.compactMap { $0.intValue }.map(Int.init) ?? []
                return .join(ids)
            }),
            ("json_encode", { call in
                let value = try call.json(1)
                let pretty = call.boolean(2)
                // The text is held twice (Swift's, then Lua's copy): both
                // must fit before either is made.
                let budget = RunBudget(call.L)
                let size = try EncodedSize.of(value, pretty: pretty, budget: budget)
                try budget.charge(size)
                try budget.ensureRoom(LuaCost.string(size))
                return .value(.string(value.encoded(pretty ? .pretty : [])))
            }),
        ]
        for (name, body) in builtins {
            push(function: body, named: name)
            stack.setRawField(H, name)
        }
    }

    // MARK: - Host functions

    func functionName(at index: Int) -> String { functions[index].name }

    /// Pushes a Lua function that calls `body`.
    func push(function body: @escaping HostFunction, named name: String) {
        functions.append((name, body))
        zd_pushhostfunction(L, Int64(functions.count - 1))
    }

    /// Makes `body` available to Lua as the global `name` (rarely wanted:
    /// prefer `install`, which keeps host tables locked).
    public func register(global name: String, _ body: @escaping HostFunction) {
        thread.sync { [self] in
            lua_rawgeti(L, LUA_REGISTRY, lua_Integer(envRef))
            push(function: body, named: name)
            LuaStack(L).setRawField(-2, name)
            lua_settop(L, 0)
        }
    }

    /// Runs trusted Lua `source` that builds a library. It receives one
    /// table: the host's private functions (`lock`, `spawn`, `join`, `tostring`,
    /// `SUSPEND`, …) plus `functions`. Its return value becomes the global
    /// `global` (the source should return a `lock`ed table).
    public func install(global: String, source: String, functions extra: [String: HostFunction]) throws {
        try install(global: global, source: Array(source.utf8), functions: extra)
    }

    /// `install` for source read from a file: its bytes, as Lua reads them.
    public func install(global: String, source: [UInt8], functions extra: [String: HostFunction]) throws {
        try thread.sync { [self] in
            let stack = LuaStack(L)
            defer { lua_settop(L, 0) }
            lua_createtable(L, 0, Int32(extra.count) + 32)
            let E = lua_gettop(L)
            lua_rawgeti(L, LUA_REGISTRY, lua_Integer(hostTableRef))
            lua_pushnil(L)
            while lua_next(L, -2) != 0 {
                lua_pushvalue(L, -2)
                lua_rotate(L, -2, 1)
                lua_rawset(L, E)
            }
            lua_settop(L, E)
            for (name, body) in extra {
                push(function: body, named: "\(global).\(name)")
                stack.setRawField(E, name)
            }
            try loadTrusted(source, name: "=zdsh:\(global)")
            lua_pushvalue(L, E)
            guard zd_pcall_trusted(L, 1, 1) == LUA_OK else {
                throw LuaError.host("installing \(global) failed: \(stack.string(at: -1) ?? "?")")
            }
            lua_rawgeti(L, LUA_REGISTRY, lua_Integer(envRef))
            lua_rotate(L, -2, 1)
            stack.setRawField(-2, global)
        }
    }

    func dispatch(_ L: OpaquePointer, _ fnid: Int64, _ nyield: UnsafeMutablePointer<Int32>) -> Int32 {
        guard fnid >= 0 && fnid < functions.count else {
            LuaStack(L).push("unknown host function")
            return ZD_HOST_ERROR
        }
        let index = Int(fnid)
        let call = HostCall(L: L, host: self, index: index)
        // What the call charged to the run's budget was for values it has
        // dropped or handed to Lua (which counts them itself) by now.
        let budget = RunBudget(runtime: runtime)
        let held = budget.held
        defer { budget.restore(held) }
        do {
            // Copied out: a host function may register more functions (lazy
            // bindings), which must not overlap an access to the table.
            let body = functions[index].body
            switch try body(call) {
            case .values(let values):
                _ = lua_checkstack(L, Int32(values.count) + 4)
                for v in values { LuaJSON.push(L, v) }
                return Int32(values.count)
            case .pushed(let n):
                return n
            case .suspend(let work):
                let ticket = scheduler.start(work)
                return suspendOrWait(L, ticket: ticket, nyield: nyield)
            case .join(let ids):
                guard lua_isyieldable(L) != 0 else {
                    throw HostError("cannot wait for tasks here (inside a metamethod, iterator or sort callback)")
                }
                let ticket = scheduler.join(ids)
                return suspendOrWait(L, ticket: ticket, nyield: nyield)
            }
        } catch {
            pushError(L, error)
            return ZD_HOST_ERROR
        }
    }

    private func suspendOrWait(_ L: OpaquePointer, ticket: Int, nyield: UnsafeMutablePointer<Int32>) -> Int32 {
        if lua_isyieldable(L) != 0 {
            LuaStack(L).pushLightUserdata(LuaHost.suspendToken)
            lua_pushinteger(L, lua_Integer(ticket))
            nyield.pointee = 2
            return ZD_HOST_YIELD
        }
        // Cannot suspend here: wait on this thread for the result.
        switch scheduler.wait(for: ticket) {
        case .success(let values):
            _ = lua_checkstack(L, Int32(values.count) + 4)
            for v in values { LuaJSON.push(L, v) }
            return Int32(values.count)
        case .failure(let error):
            pushError(L, error)
            return ZD_HOST_ERROR
        }
    }

    /// Pushes the Lua form of a Swift error: a structured table for
    /// `LuaRaisable` errors, otherwise the error's description.
    func pushError(_ L: OpaquePointer, _ error: Error) {
        if let raisable = error as? LuaRaisable {
            pushRaised(L, raisable.luaErrorValue)
        } else {
            LuaStack(L).push(String(describing: error))
        }
    }

    // MARK: - Built-in host functions

    private func write(_ call: HostCall) throws -> HostResult {
        guard lua_type(call.L, 1) == LUA_TSTRING else { throw call.fail(1, "string") }
        var length = 0
        guard let text = lua_tolstring(call.L, 1, &length) else { throw call.fail(1, "string") }
        let cap = options.limits.maxOutput
        let over = cap > 0 && outputWritten + length > cap
        // Only what may be written is copied out of Lua: printing a 100 MB
        // string with 10 KB left costs 10 KB.
        let shown = over ? max(0, cap - outputWritten) : length
        text.withMemoryRebound(to: UInt8.self, capacity: length) {
            let bytes = UnsafeBufferPointer(start: $0, count: shown)
            if let raw = options.rawOutput { raw(Array(bytes)) } else { options.output(String(decoding: bytes, as: UTF8.self)) }
        }
        if over {
            outputWritten = cap
            trip(.output, "output limit of \(cap >> 10) KB exceeded (raise it with --max-output)")
            return .none
        }
        outputWritten += length
        return .none
    }

    /// `H.readmodule(name)`: the source and chunk name of module `name`, or
    /// nil and the message `require` raises. See `ModuleLookup`.
    private func readModule(_ call: HostCall) throws -> HostResult {
        switch ModuleLookup(folders: options.modulePaths).find(try call.string(1)) {
        case .success(let module):
            // The file's bytes as they are: a module is loaded like Lua loads it.
            let stack = LuaStack(call.L)
            stack.push(bytes: module.source.bytes)
            stack.push(module.source.name)
            return .pushed(2)
        case .failure(let problem):
            return .values([.null, .string(problem.description)])
        }
    }

    // MARK: - Limits

    /// Memory async work holds for the run (API responses as they arrive).
    let offThread = OffThreadMemory()

    /// A share of what the run may still hold, for work starting now (Lua thread).
    func offThreadShare() -> OffThreadMemory.Share {
        let rt = runtime.pointee
        let limit = rt.mem_limit
        let room = limit == 0 ? nil : max(0, Int(limit) - Int(rt.mem_used) - Int(rt.host_used))
        offThread.refresh(room: room, limit: limit == 0 ? nil : Int(limit))
        return offThread.share()
    }

    /// Stops the run: the limit error is raised at the next host call or hook
    /// and cannot be caught.
    public func trip(_ kind: LimitKind, _ message: String) {
        zd_trip_set(runtime, kind.code, message)
    }

    /// Asks the running chunk to stop (from any thread, e.g. on Ctrl-C).
    public func interrupt() {
        zd_interrupt(runtime, Int32(ZD_TRIP_INTERRUPT.rawValue))
    }

    /// The deadline of the latest run (nil without a timeout).
    public private(set) var runDeadline: Date?

    /// What is left of the latest run's limits for showing its results:
    /// the output it may still write and its deadline. Printing the values
    /// a chunk returned is part of the run, so it stops at the same limits.
    public var resultBudget: OutputBudget {
        let cap = options.limits.maxOutput
        return OutputBudget(bytes: cap > 0 ? max(0, cap - outputWritten) : nil, deadline: runDeadline,
                            capacity: cap > 0 ? cap : nil)
    }

    /// Counters of the latest run.
    public var statistics: Statistics {
        Statistics(instructions: runtime.pointee.instructions, memoryInUse: runtime.pointee.mem_used,
                   memoryPeak: runtime.pointee.mem_peak)
    }

    /// What the latest run used.
    public struct Statistics: Sendable {
        /// VM instructions counted (in hook steps; 0 without an instruction limit).
        public let instructions: Int64
        /// Bytes Lua holds now.
        public let memoryInUse: Int
        /// The most bytes Lua held during the run.
        public let memoryPeak: Int
    }

    // MARK: - Running chunks

    /// Compiles and runs `source` as the main coroutine of a new run, with
    /// the limits in `options`. `name` is the chunk name shown in errors
    /// (a file path, or "=eval").
    public func run(_ source: String, name: String, arguments: [JSON] = []) -> Result<[RunValue], LuaError> {
        run(LuaSource(text: source, name: name), arguments: arguments.map(RunArgument.value))
    }

    /// Compiles and runs `source` (bytes, exactly as Lua reads a file) as the
    /// main coroutine of a new run. `.chunk` arguments are compiled first and
    /// passed as functions, so a driver can run a user's file while errors
    /// still name that file and line.
    public func run(_ source: LuaSource, arguments: [RunArgument] = []) -> Result<[RunValue], LuaError> {
        thread.sync { self.runOnThread(source, arguments: arguments) }
    }

    /// Counts runs, so trusted Lua can tell state left by an earlier run
    /// (a REPL line that stopped half-way) from its own.
    private var runNumber: Int64 = 0

    private func runOnThread(_ source: LuaSource, arguments: [RunArgument]) -> Result<[RunValue], LuaError> {
        let limits = options.limits
        let rt = runtime
        runNumber += 1
        zd_clear_trip(rt)
        rt.pointee.instructions = 0
        rt.pointee.max_instructions = limits.maxInstructions
        zd_sethook_base(L)
        rt.pointee.mem_limit = limits.maxMemory
        rt.pointee.host_used = 0
        rt.pointee.mem_peak = rt.pointee.mem_used
        outputWritten = 0
        let deadline = limits.timeout.map { Date(timeIntervalSinceNow: $0) }
        runDeadline = deadline
        defer { lua_settop(L, 0) }

        if let failure = load(source) { return .failure(failure) }
        for a in arguments {
            switch a {
            case .value(let v): LuaJSON.push(L, v)
            case .chunk(let chunk):
                if let failure = load(chunk) { return .failure(failure) }
            }
        }
        // Arguments too big for the budget stop the run before it starts.
        if let kind = trippedKind { return .failure(.limit(kind, tripMessage)) }

        let watchdog = Watchdog(runtime: rt, deadline: deadline)
        defer { watchdog.stop() }
        return scheduler.runMain(nargs: Int32(arguments.count))
    }

    /// Compiles `source` onto the stack (text only, never a binary chunk);
    /// on failure, the error the run ends with.
    private func load(_ source: LuaSource) -> LuaError? {
        let status = source.bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { zd_loadtext(L, $0.baseAddress ?? UnsafePointer(LuaHost.emptyCode), $0.count, source.name) }
        }
        guard status == LUA_OK else {
            let message = LuaStack(L).string(at: -1) ?? "syntax error"
            if let kind = trippedKind { return .limit(kind, tripMessage) }
            return .syntax(message)
        }
        return nil
    }

    var trippedKind: LimitKind? { LimitKind(code: zd_trip_kind(runtime)) }

    var tripMessage: String {
        withUnsafePointer(to: runtime.pointee.trip_message) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
    }

    /// The Lua release linked into this process, e.g. "Lua 5.4.4".
    public static var luaRelease: String { String(cString: zd_lua_release()) }

    /// (major, minor, release) of the linked Lua, e.g. (5, 4, 4).
    public static var luaVersion: (Int, Int, Int) {
        let parts = luaRelease.dropFirst(4).split(separator: ".").compactMap { Int($0) }
        return (parts.count > 0 ? parts[0] : 0, parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
    }
}

extension LimitKind {
    init?(code: Int32) {
        switch UInt32(bitPattern: code) {
        case ZD_TRIP_MEMORY.rawValue: self = .memory
        case ZD_TRIP_INSTRUCTIONS.rawValue: self = .instructions
        case ZD_TRIP_TIMEOUT.rawValue: self = .timeout
        case ZD_TRIP_OUTPUT.rawValue: self = .output
        case ZD_TRIP_INTERRUPT.rawValue: self = .interrupt
        case ZD_TRIP_HOST.rawValue: self = .host
        default: return nil
        }
    }

    var code: Int32 {
        let trip: zd_trip
        switch self {
        case .memory: trip = ZD_TRIP_MEMORY
        case .instructions: trip = ZD_TRIP_INSTRUCTIONS
        case .timeout: trip = ZD_TRIP_TIMEOUT
        case .output: trip = ZD_TRIP_OUTPUT
        case .interrupt: trip = ZD_TRIP_INTERRUPT
        case .host: trip = ZD_TRIP_HOST
        }
        return Int32(trip.rawValue)
    }
}
