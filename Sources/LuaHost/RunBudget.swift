import CLua
import CLuaShim

/// The limits of the current run, seen from Swift code that works for it.
///
/// Lua's allocator counts only what Lua allocates, and the watchdog's pokes
/// only reach Lua instructions. A host function that decodes, converts or
/// formats values works outside both: it charges the bytes it holds to the
/// same budget as Lua's allocator, checks for room before it pushes a large
/// value into Lua (pushes from Swift are never refused by the allocator,
/// since a refusal would longjmp), and looks at the watchdog's flag as it
/// goes. Each check that fails records the trip first, so the error thrown
/// here ends as the limit error the trampoline raises.
public struct RunBudget {
    let runtime: UnsafeMutablePointer<zd_runtime>

    init(_ L: OpaquePointer) { runtime = zd_runtime_of(L) }

    init(runtime: UnsafeMutablePointer<zd_runtime>) { self.runtime = runtime }

    /// Charges `bytes` the host now holds for the run.
    public func charge(_ bytes: Int) throws {
        guard zd_host_charge(runtime, max(0, bytes)) == Int32(ZD_TRIP_NONE.rawValue) else { throw stopped() }
    }

    /// Throws unless `bytes` more (from Lua or Swift) would fit. Charges nothing.
    public func ensureRoom(_ bytes: Int) throws {
        guard zd_memory_room(runtime, max(0, bytes)) != 0 else { throw stopped() }
    }

    /// Throws when the run must stop: past its deadline, interrupted, or a
    /// limit already tripped. Cheap: the watchdog keeps the clock.
    public func checkpoint() throws {
        guard zd_charge(runtime, 0) == Int32(ZD_TRIP_NONE.rawValue) else { throw stopped() }
    }

    /// Bytes charged so far by host code; `restore` gives back everything
    /// charged since (the values it paid for have been dropped or handed on).
    var held: Int { runtime.pointee.host_used }

    func restore(_ held: Int) { runtime.pointee.host_used = held }

    private func stopped() -> LimitReached {
        let message = withUnsafePointer(to: runtime.pointee.trip_message) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        return LimitReached(kind: LimitKind(code: zd_trip_kind(runtime)) ?? .host, message: message)
    }
}

/// Host-side work stopped because the run hit a limit. The trip is already
/// recorded, so Lua sees the (uncatchable) limit error, not this value.
public struct LimitReached: Error, CustomStringConvertible, Sendable {
    /// Which limit.
    public let kind: LimitKind
    /// The trip message, as the run ends with it.
    public let message: String
    /// The message itself.
    public var description: String { message }

    /// A limit reached by work off the Lua thread (a response too large for
    /// the run's memory): the run stops with it when the result is delivered.
    public init(kind: LimitKind, message: String) {
        self.kind = kind; self.message = message
    }
}
