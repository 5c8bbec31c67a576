import DeskCatalog
import Foundation
import JSONValue

/// One way an answer departs from what the spec documents for it.
public struct ResponseViolation: Hashable, Sendable, CustomStringConvertible {
    public let operationId: String
    public let status: Int
    /// JSON pointer into the body ("" for the body as a whole).
    public let pointer: String
    public let message: String
    public var description: String { "\(operationId) \(status) \(pointer.isEmpty ? "/" : pointer): \(message)" }
}

/// Strict check of an answer against the generated response schemas: the status
/// must be documented (success) or answered with Zoho's error body (errors), and
/// the body must meet types, required fields, formats, patterns, enums, lengths
/// and closed objects. Violations the spec itself forces are dropped by
/// `ResponseQuirks` — the only place where the checker is loosened.
public struct ResponseChecker {
    let schemas: ResponseSchemas

    public init(schemas: ResponseSchemas = .shared) { self.schemas = schemas }

    /// Checks one answer. `body` is the raw bytes (an empty body is no body).
    public func check(operationId: String, status: Int, body: [UInt8]) -> [ResponseViolation] {
        var out: [ResponseViolation] = []
        func fail(_ pointer: String, _ message: String) {
            out.append(ResponseViolation(operationId: operationId, status: status, pointer: pointer, message: message))
        }
        let documented = schemas.answer(operationId, status: status)
        let isSuccess = (200..<300).contains(status)
        // Errors the operation does not list still have to be Zoho's error body.
        let expected: ResponseBody?
        if let documented {
            expected = documented
        } else if isSuccess {
            fail("", "status \(status) is not documented (documented: \(schemas.answers(operationId).keys.sorted()))")
            expected = nil
        } else {
            expected = .json(ZohoErrorBody.schema)
        }
        switch expected {
        case .empty?:
            if !body.isEmpty { fail("", "the spec documents no body, got \(body.count) bytes") }
        case .binary?, nil:
            break
        case .json(let schema)?:
            guard !body.isEmpty else {
                // A 204 is the only answer without a body (empty lists).
                if status != 204 { fail("", "expected a JSON body, got none") }
                return filtered(out)
            }
            guard let json = try? JSON.parse(body) else {
                fail("", "body is not JSON")
                return filtered(out)
            }
            var walker = SchemaWalk()
            walker.walk(json, schema, pointer: "")
            for (p, m) in walker.problems { fail(p, m) }
            if !isSuccess { for (p, m) in ZohoErrorBody.problems(json) { fail(p, m) } }
        }
        return filtered(out)
    }

    private func filtered(_ v: [ResponseViolation]) -> [ResponseViolation] {
        v.filter { ResponseQuirks.reason(for: $0) == nil }
    }
}
