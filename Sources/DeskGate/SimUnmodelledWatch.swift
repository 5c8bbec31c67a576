import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import ShellCore
import Synchronization

/// Notes what the simulator's answers say they did not model (the
/// `X-Zdsh-Sim-Unmodelled` header: parameters it ignored, `*` for an answer
/// built from the schema alone), so a run can say once which operations and
/// parameters its rehearsal made up. Under `--strict-sim` such an answer
/// becomes an error (`SIM_UNMODELLED`, exit 5). Real Zoho never sends the
/// header; a server that does only adds names to that report (escaped, bounded).
package final class SimUnmodelledWatch: Transport {
    package static let header = "X-Zdsh-Sim-Unmodelled"
    package static let errorCode = "SIM_UNMODELLED"
    /// Operations kept, and names per operation: a hostile server cannot grow the report without end.
    static let maxOperations = 200, maxParameters = 50

    /// One operation and the names its answers did not model.
    package struct Entry: Sendable, Hashable {
        package var operation: String
        package var parameters: [String]
        package init(operation: String, parameters: [String]) { self.operation = operation; self.parameters = parameters }
    }

    let inner: Transport
    private let state = Mutex(State())

    private struct State {
        var strict = false
        var order: [String] = []
        var seen: [String: [String]] = [:]
    }

    package init(inner: Transport, strict: Bool = false) {
        self.inner = inner
        state.withLock { $0.strict = strict }
    }

    package var strict: Bool {
        get { state.withLock { $0.strict } }
        set { state.withLock { $0.strict = newValue } }
    }

    /// What was not modelled so far, in the order first seen.
    package var entries: [Entry] {
        state.withLock { s in s.order.map { Entry(operation: $0, parameters: s.seen[$0] ?? []) } }
    }

    /// Forgets what was seen (a scenario's watch between scenarios).
    package func clear() { state.withLock { $0.order = []; $0.seen = [:] } }

    package func send(_ request: WireRequest) async throws -> WireResponse {
        let response = try await inner.send(request)
        guard let value = response.header(Self.header), (200..<300).contains(response.status) else { return response }
        let names = value.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces).prefix(100)) }.filter { !$0.isEmpty }
        let operation = Self.operation(request)
        let strict = state.withLock { s in
            if s.seen[operation] == nil, s.order.count < Self.maxOperations { s.order.append(operation); s.seen[operation] = [] }
            for n in names where s.seen[operation] != nil && !(s.seen[operation]!.contains(n)) && s.seen[operation]!.count < Self.maxParameters {
                s.seen[operation]!.append(n)
            }
            return s.strict
        }
        guard strict else { return response }
        let what = names == [SimUnmodelledWatch.wholeAnswer] ? "its whole answer" : names.joined(separator: ", ")
        let body: JSON = ["errorCode": .string(Self.errorCode),
                          "message": .string("--strict-sim: the simulator does not model \(what) of \(operation); its answer would be made up")]
        return WireResponse(status: 400, headers: [Header("Content-Type", "application/json;charset=UTF-8")], body: body.encodedBytes())
    }

    static let wholeAnswer = "*"

    /// The catalog operation a request was for (its path when none matches).
    static func operation(_ request: WireRequest) -> String {
        let path = URLComponents(string: request.url)?.path ?? request.url
        return Catalog.shared.match(method: request.method, path: path)?.operation.id ?? "\(request.method) \(path)"
    }

    /// One line per operation: `getTickets (sortBy, foo)`, `getLayouts (whole answer)`.
    package static func describe(_ entries: [Entry]) -> [String] {
        entries.map { e in
            let params = e.parameters.map { $0 == wholeAnswer ? "whole answer" : $0 }
            return Terminal.visible("\(e.operation) (\(params.joined(separator: ", ")))")
        }
    }

    /// `summary.sim_unmodelled`: `[{operation, parameters}]`.
    package static func json(_ entries: [Entry]) -> JSON {
        .array(entries.map { ["operation": .string($0.operation), "parameters": .array($0.parameters.map(JSON.string))] })
    }
}
