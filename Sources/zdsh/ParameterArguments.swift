import ArgumentParser

/// `--param key=value`, repeatable: one key once, so a run never depends on
/// which of two values won.
enum ParameterArguments {
    static func parse(_ params: [String]) throws -> [String: String] {
        var parsed: [String: String] = [:]
        for p in params {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw ValidationError("--param expects key=value, got \"\(p)\"")
            }
            let key = String(p[..<eq])
            guard parsed[key] == nil else { throw ValidationError("--param \(key) is given twice; give each parameter once") }
            parsed[key] = String(p[p.index(after: eq)...])
        }
        return parsed
    }
}
