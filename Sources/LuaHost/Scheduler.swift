import CLua
import CLuaShim
import Foundation
import JSONValue

/// Runs the coroutines of one run: the main chunk and the tasks it spawns.
///
/// A coroutine that calls a suspending host function yields (SUSPEND, ticket)
/// up to here; it is parked until the ticket's result arrives in the inbox,
/// then resumed with (true, values…) or (false, error), which the C
/// continuation turns into return values or a raised error. Meanwhile other
/// coroutines run, so many API calls can be in flight while Lua code reads
/// as straight-line calls. Everything here runs on the Lua thread.
final class Scheduler {
    unowned var host: LuaHost!

    private final class Task {
        enum State { case ready(Int32), waiting(Int), done, failed(LuaError) }
        let id: Int
        let co: OpaquePointer
        let ref: Int32
        var state: State
        /// The in-flight bound of the `desk.each` that spawned it (CallSlots.swift).
        var slots: CallSlots?
        init(id: Int, co: OpaquePointer, ref: Int32, state: State) {
            self.id = id; self.co = co; self.ref = ref; self.state = state
        }
    }

    private let inbox = Inbox()
    private var nextTicket = 1
    private var nextTaskID = 1
    /// Results that arrived before anyone asked for them.
    private var arrived: [Int: Result<[JSON], Error>] = [:]
    private var tasks: [Int: Task] = [:]
    private var readyQueue: [Int] = []
    /// Join tickets waiting for sets of tasks.
    private var joins: [Int: [Int]] = [:]
    /// The task being resumed right now: async work it starts carries its slots.
    private var running: Task?
    /// Bounds made by `call_slots`, by id, until the run ends.
    private var slotSets: [Int: CallSlots] = [:]
    /// Host work started whose result has not come out of the inbox yet.
    private var outstanding = 0
    /// Times the loop waited on the inbox with no host work outstanding:
    /// nothing could arrive, so each such wait is a whole poll interval lost.
    private(set) var idleWaits = 0

    private var L: OpaquePointer { host.L }

    // MARK: Async work

    func start(_ work: @escaping @Sendable () async throws -> [JSON]) -> Int {
        let ticket = nextTicket
        nextTicket += 1
        outstanding += 1
        let inbox = self.inbox
        let slots = running?.slots
        let memory = host.offThreadShare()
        _Concurrency.Task.detached {
            let result: Result<[JSON], Error>
            do {
                result = .success(try await CallSlots.$current.withValue(slots) {
                    try await OffThreadMemory.$current.withValue(memory) { try await work() }
                })
            } catch { result = .failure(error) }
            // Handed on: the result is checked again as it is pushed into Lua.
            memory.giveBack()
            inbox.post(ticket, result)
        }
        return ticket
    }

    func join(_ ids: [Int]) -> Int {
        let ticket = nextTicket
        nextTicket += 1
        joins[ticket] = ids
        completeJoins()
        return ticket
    }

    /// Blocks the Lua thread until `ticket` completes (used where the calling
    /// coroutine cannot yield). Limits still apply while waiting.
    func wait(for ticket: Int) -> Result<[JSON], Error> {
        while true {
            if let r = arrived.removeValue(forKey: ticket) { return tripIfLimit(r) }
            if let stop = checkLimitsWhileWaiting() { return .failure(HostError(stop)) }
            takeArrivals()
        }
    }

    /// What came into the inbox, waiting up to a poll interval for something.
    private func takeArrivals() {
        if outstanding == 0 { idleWaits += 1 }
        for c in inbox.take(timeout: 0.05) {
            arrived[c.ticket] = c.result
            outstanding -= 1
        }
    }

    func awaitCall(_ call: HostCall) throws -> HostResult {
        let ticket = Int(try call.integer(1))
        switch wait(for: ticket) {
        case .success(let values):
            _ = lua_checkstack(call.L, Int32(values.count) + 4)
            lua_pushboolean(call.L, 1)
            for v in values { LuaJSON.push(call.L, v) }
            return .pushed(Int32(values.count) + 1)
        case .failure(let error):
            lua_pushboolean(call.L, 0)
            host.pushError(call.L, error)
            return .pushed(2)
        }
    }

    /// Work that reached a limit off the Lua thread (a response too large
    /// for the run's memory) stops the run: the trip is recorded before the
    /// error reaches Lua, so no pcall can catch it.
    private func tripIfLimit(_ result: Result<[JSON], Error>) -> Result<[JSON], Error> {
        if case .failure(let stop as LimitReached) = result, host.trippedKind == nil {
            host.trip(stop.kind, stop.message)
        }
        return result
    }

    /// Returns a message when the run must stop while the Lua thread waits.
    private func checkLimitsWhileWaiting() -> String? {
        // The watchdog raises `interrupt` (deadline, Ctrl-C); zd_charge turns
        // it into the trip, exactly as the hook does while Lua runs.
        zd_charge(host.runtime, 0)
        return host.trippedKind == nil ? nil : host.tripMessage
    }

    // MARK: Tasks

    func spawnCall(_ call: HostCall) throws -> HostResult {
        guard lua_type(call.L, 1) == LUA_TFUNCTION else { throw call.fail(1, "function") }
        let nargs = call.count - 1
        let id = newTask { co in lua_xmove(call.L, co, nargs + 1) }
        tasks[id]!.state = .ready(nargs)
        return .values([.int(Int64(id))])
    }

    /// `call_slots(n)`: a new bound of n calls in flight; returns its id.
    func slotsCall(_ call: HostCall) throws -> HostResult {
        let n = try call.integer(1)
        guard n >= 1 else { throw call.fail(1, "positive integer") }
        let id = slotSets.count + 1
        slotSets[id] = CallSlots(Int(min(n, 1_000_000)))
        return .values([.int(Int64(id))])
    }

    /// `spawn_in(slots, fn)`: spawns fn as a task whose calls hold those slots.
    func spawnInCall(_ call: HostCall) throws -> HostResult {
        guard let slots = slotSets[Int(try call.integer(1))] else { throw call.fail(1, "slots id") }
        guard lua_type(call.L, 2) == LUA_TFUNCTION else { throw call.fail(2, "function") }
        lua_settop(call.L, 2)
        let id = newTask { co in lua_xmove(call.L, co, 1) }
        tasks[id]!.slots = slots
        return .values([.int(Int64(id))])
    }

    /// Creates a task coroutine; `fill` moves its function and arguments.
    private func newTask(_ fill: (OpaquePointer) -> Void) -> Int {
        let L = self.L
        guard let co = lua_newthread(L) else { fatalError("lua_newthread") }
        // Mark it as owned by the scheduler: the sandbox refuses to resume it.
        lua_rawgeti(L, LUA_REGISTRY, lua_Integer(hostTableRefIndex))
        LuaStack(L).rawField(-1, "hostthreads")
        lua_pushvalue(L, -3)
        lua_pushboolean(L, 1)
        lua_rawset(L, -3)
        lua_settop(L, -3)
        let ref = luaL_ref(L, LUA_REGISTRY)
        fill(co)
        let id = nextTaskID
        nextTaskID += 1
        tasks[id] = Task(id: id, co: co, ref: ref, state: .ready(0))
        readyQueue.append(id)
        return id
    }

    var hostTableRefIndex: Int32 = 0

    // MARK: The loop

    /// Runs the function on the main stack, followed by its `nargs`
    /// arguments, as the main task until it finishes.
    func runMain(nargs: Int32) -> Result<[RunValue], LuaError> {
        let L = self.L
        let mainID = newTask { co in
            lua_xmove(L, co, nargs + 1)
        }
        tasks[mainID]!.state = .ready(nargs)
        defer { reset() }

        while true {
            if !readyQueue.isEmpty {
                let id = readyQueue.removeFirst()
                guard let task = tasks[id] else { continue }
                step(task)
                if case .failed(let error) = task.state, id == mainID { return .failure(error) }
                // A limit ends the run whichever task tripped it.
                if case .failed(.limit(let kind, let message)) = task.state { return .failure(.limit(kind, message)) }
                if case .done = task.state, id == mainID {
                    // A limit that tripped where the error could be caught
                    // (a coroutine's __close handler) still fails the run.
                    if let kind = host.trippedKind { return .failure(.limit(kind, host.tripMessage)) }
                    return results(of: task)
                }
                continue
            }
            if let stop = checkLimitsWhileWaiting() {
                return .failure(.limit(host.trippedKind ?? .host, stop))
            }
            // A join its last task completed (see `finished`) has its result
            // here already: handed over now, not after a poll of the inbox.
            if !arrived.isEmpty {
                deliverArrived()
                if !readyQueue.isEmpty { continue }
            }
            let waiting = tasks.values.contains { if case .waiting = $0.state { return true } else { return false } }
            if !waiting {
                return .failure(.runtime(message: "all tasks are blocked waiting for each other", traceback: "", value: .string("deadlock")))
            }
            takeArrivals()
            deliverArrived()
        }
    }

    private func step(_ task: Task) {
        guard case .ready(let nargs) = task.state else { return }
        var nres: Int32 = 0
        running = task
        defer { running = nil }
        let status = zd_resume(task.co, L, nargs, &nres)
        // After a trip a protected call suspends its coroutine for good
        // (see finishpcall in sandbox.c): whatever the status, the task is over.
        if let kind = host.trippedKind, status == LUA_YIELD {
            lua_settop(task.co, 0)
            task.state = .failed(.limit(kind, host.tripMessage))
            finished(task)
            return
        }
        switch status {
        case LUA_YIELD:
            if nres == 2, lua_touserdata(task.co, -2) == LuaHost.suspendToken {
                let ticket = Int(lua_tointegerx(task.co, -1, nil))
                lua_settop(task.co, 0)
                task.state = .waiting(ticket)
                deliverArrived()
            } else {
                lua_settop(task.co, 0)
                task.state = .failed(.runtime(message: "attempt to yield from outside a coroutine", traceback: "",
                                              value: .string("attempt to yield from outside a coroutine")))
                finished(task)
            }
        case LUA_OK:
            task.state = .done
            finished(task)
        default:
            task.state = .failed(error(of: task.co))
            finished(task)
        }
    }

    private func error(of co: OpaquePointer) -> LuaError {
        if let kind = host.trippedKind { return .limit(kind, host.tripMessage) }
        let stack = LuaStack(co)
        var message: String
        var value: ErrorValue
        switch lua_type(co, -1) {
        case LUA_TSTRING:
            message = stack.string(at: -1) ?? ""
            value = .string(message)
        case LUA_TTABLE:
            (message, value) = host.describeErrorTable(co, at: -1)
        case LUA_TNIL:
            message = "nil"
            value = .other("nil")
        default:
            message = "(error object is a \(stack.typeName(at: -1)) value)"
            value = .other(message)
        }
        var traceback = ""
        if zd_traceback(L, co, nil, 0) == LUA_OK {
            traceback = LuaStack(L).string(at: -1) ?? ""
        }
        lua_settop(L, -2)
        return .runtime(message: message, traceback: traceback, value: value)
    }

    /// The main task's return values, converted while the watchdog still
    /// runs: a huge value stops at the run's deadline and memory budget like
    /// the code that built it.
    private func results(of task: Task) -> Result<[RunValue], LuaError> {
        let co = task.co
        let n = lua_gettop(co)
        guard n > 0 else { return .success([]) }
        let budget = RunBudget(co)
        let held = budget.held
        // Handed over to the caller: no longer the run's to carry.
        defer { budget.restore(held) }
        var values: [RunValue] = []
        for i in 1...n {
            do {
                values.append(.json(try LuaJSON.read(co, i)))
            } catch let stop as LimitReached {
                return .failure(.limit(stop.kind, stop.message))
            } catch {
                // No JSON form (a sparse table, a function, a cycle): shown as Lua writes it.
                do {
                    values.append(.opaque(try LuaDisplay.render(co, i)))
                } catch let stop as LimitReached {
                    return .failure(.limit(stop.kind, stop.message))
                } catch {
                    values.append(.opaque(LuaStack(co).typeName(at: i)))
                }
            }
        }
        return .success(values)
    }

    private func finished(_ task: Task) {
        completeJoins()
    }

    private func completeJoins() {
        for (ticket, ids) in joins {
            let states = ids.map { tasks[$0]?.state }
            let allDone = states.allSatisfy { state in
                switch state {
                case .done?, .failed?, nil: return true
                default: return false
                }
            }
            guard allDone else { continue }
            joins.removeValue(forKey: ticket)
            let outcome: [JSON] = states.map { state in
                if case .failed(let e)? = state { return .string(e.description) }
                return .null
            }
            arrived[ticket] = .success([.array(outcome)])
        }
    }

    private func deliverArrived() {
        for task in tasks.values {
            guard case .waiting(let ticket) = task.state, let result = arrived.removeValue(forKey: ticket) else { continue }
            let co = task.co
            switch tripIfLimit(result) {
            case .success(let values):
                _ = lua_checkstack(co, Int32(values.count) + 4)
                lua_pushboolean(co, 1)
                for v in values { LuaJSON.push(co, v) }
                task.state = .ready(Int32(values.count) + 1)
            case .failure(let error):
                lua_pushboolean(co, 0)
                host.pushError(co, error)
                task.state = .ready(2)
            }
            readyQueue.append(task.id)
        }
    }

    private func reset() {
        for task in tasks.values {
            luaL_unref(L, LUA_REGISTRY, task.ref)
        }
        tasks.removeAll()
        // Calls of this run still waiting for a desk.each slot are not sent.
        for slots in slotSets.values { slots.close() }
        slotSets.removeAll()
        readyQueue.removeAll()
        joins.removeAll()
        arrived.removeAll()
    }
}
