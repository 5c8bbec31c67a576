/// Which query parameters a request's answer really honoured. Handlers and the
/// generic record query note what they used; whatever the request gave beyond
/// that (and beyond paging) was ignored, and the answer says so in
/// `X-Zdsh-Sim-Unmodelled`. Lives for one request, under the simulator's lock.
final class QueryUse {
    /// Parameters every answer honours or that carry no meaning for the answer.
    static let alwaysHonoured: Set<String> = ["orgId", "from", "limit"]
    /// The header that names what an answer ignored.
    static let header = "X-Zdsh-Sim-Unmodelled"
    /// The name an answer built from the schema alone (no stored records) carries.
    static let wholeAnswer = "*"

    private(set) var honoured: Set<String> = []

    func honour(_ names: some Sequence<String>) { honoured.formUnion(names) }
    func honour(_ name: String) { honoured.insert(name) }

    /// The given parameters this answer did not model, sorted.
    func unmodelled(given: some Sequence<String>) -> [String] {
        given.filter { !Self.alwaysHonoured.contains($0) && !honoured.contains($0) }.sorted()
    }
}
