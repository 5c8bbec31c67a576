import JSONValue
import LuaHost

/// A call refused before anything was sent because its arguments do not fit
/// the operation (an unknown field, a wrong type, a value outside an enum, a
/// missing id): the binder's `ArgumentError` as a structured Lua error.
/// `tostring` reads as before ("bad argument 'prority' to
/// 'desk.tickets.update' (…)"), `pcall` catches it like any binding error,
/// and uncaught it ends the run with exit 2 (`ExitStatus.of`).
package struct InvalidArgument: Error, LuaRaisable, CustomStringConvertible {
    package let error: ArgumentError
    package init(_ error: ArgumentError) { self.error = error }

    package var description: String { error.description }

    package var luaErrorValue: JSON {
        var o: [String: JSON] = [
            "code": "INVALID_ARGUMENT", "function": .string(error.function),
            "expected": .string(error.expected), "message": .string(description), "_text": .string(description),
            "zdsh_error": "invalid",
        ]
        if let name = error.name { o["argument"] = .string(name) }
        if let position = error.position { o["position"] = .int(Int64(position)) }
        return .object(o)
    }

    /// Runs a gate entry point, raising its argument errors as this one.
    package static func raising(_ body: () throws -> HostResult) throws -> HostResult {
        do { return try body() } catch let e as ArgumentError { throw InvalidArgument(e) }
    }
}
