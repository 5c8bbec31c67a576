import DeskCore
import Foundation
import JSONValue

/// A recorded conversation with Zoho Desk (or the simulator): requests and
/// the responses they got, secrets scrubbed, in the order they happened.
///
/// File format (JSON):
/// ```
/// { "zdsh_cassette": 1,
///   "interactions": [
///     { "request":  { "method": "GET", "path": "/api/v1/labels", "query": {"limit": "50"}, "body": … },
///       "response": { "status": 200, "headers": {"Content-Type": "…"}, "body": … } },
///     { "request": …, "error": "connection_reset" } ] }
/// ```
/// Bodies are stored as JSON when they parse as JSON (`body`), otherwise as
/// text (`body_text`) or base64 (`body_base64`). Hosts and headers are not
/// part of a request's identity, so a cassette recorded against one data
/// centre (or the simulator) replays anywhere.
package struct Cassette: Sendable, Equatable {
    package struct Request: Sendable, Equatable, Hashable {
        package var method: String
        package var path: String
        package var query: [String: String]
        package var body: Body?

        package init(method: String, path: String, query: [String: String] = [:], body: Body? = nil) {
            self.method = method.uppercased(); self.path = path; self.query = query; self.body = body
        }
    }

    package struct Response: Sendable, Equatable {
        package var status: Int
        package var headers: [String: String]
        package var body: Body?

        package init(status: Int, headers: [String: String] = [:], body: Body? = nil) {
            self.status = status; self.headers = headers; self.body = body
        }
    }

    package enum Body: Sendable, Equatable, Hashable {
        case json(JSON)
        case text(String)
        case binary([UInt8])
    }

    /// What a transport raised instead of answering.
    package enum Failure: String, Sendable, Equatable {
        case connectionReset = "connection_reset"
        case timedOut = "timed_out"
    }

    package struct Interaction: Sendable, Equatable {
        package var request: Request
        package var response: Response?
        package var failure: Failure?

        package init(request: Request, response: Response? = nil, failure: Failure? = nil) {
            self.request = request; self.response = response; self.failure = failure
        }
    }

    package var interactions: [Interaction]

    package init(interactions: [Interaction] = []) { self.interactions = interactions }

    // MARK: - Files

    package static func load(path: String) throws -> Cassette {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CassetteError("cannot read cassette \(path)")
        }
        do { return try Cassette(json: try JSON.parse(Array(data))) } catch let e as CassetteError {
            throw CassetteError("cassette \(path): \(e.description)")
        } catch {
            throw CassetteError("cassette \(path): \(error)")
        }
    }

    package func write(path: String) throws {
        let text = json.encoded(.pretty) + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    // MARK: - JSON form

    package var json: JSON {
        .object([
            "zdsh_cassette": .int(1),
            "interactions": .array(interactions.map { i in
                var o: [String: JSON] = ["request": i.request.json]
                if let r = i.response { o["response"] = r.json }
                if let f = i.failure { o["error"] = .string(f.rawValue) }
                return .object(o)
            }),
        ])
    }

    package init(json: JSON) throws {
        guard json["zdsh_cassette"] != nil, let list = json["interactions"]?.arrayValue else {
            throw CassetteError("not a zdsh cassette (expected {\"zdsh_cassette\": 1, \"interactions\": [...]})")
        }
        interactions = try list.enumerated().map { n, item in
            guard let req = item["request"], let method = req["method"]?.stringValue, let path = req["path"]?.stringValue else {
                throw CassetteError("interaction \(n + 1) has no request method and path")
            }
            var query: [String: String] = [:]
            for (k, v) in req["query"]?.objectValue ?? [:] { query[k] = v.stringValue ?? v.encoded() }
            let request = Request(method: method, path: path, query: query, body: Body(from: req))
            if let e = item["error"]?.stringValue {
                guard let f = Failure(rawValue: e) else { throw CassetteError("interaction \(n + 1): unknown error \"\(e)\"") }
                return Interaction(request: request, failure: f)
            }
            guard let res = item["response"], let status = res["status"]?.intValue else {
                throw CassetteError("interaction \(n + 1) has no response status")
            }
            var headers: [String: String] = [:]
            for (k, v) in res["headers"]?.objectValue ?? [:] { headers[k] = v.stringValue ?? v.encoded() }
            return Interaction(request: request, response: Response(status: Int(status), headers: headers, body: Body(from: res)))
        }
    }
}

package extension Cassette.Request {
    var json: JSON {
        var o: [String: JSON] = ["method": .string(method), "path": .string(path)]
        if !query.isEmpty { o["query"] = .object(query.mapValues(JSON.string)) }
        body?.store(into: &o)
        return .object(o)
    }
}

package extension Cassette.Response {
    var json: JSON {
        var o: [String: JSON] = ["status": .int(Int64(status))]
        if !headers.isEmpty { o["headers"] = .object(headers.mapValues(JSON.string)) }
        body?.store(into: &o)
        return .object(o)
    }
}

package extension Cassette.Body {
    /// Classifies raw bytes: JSON if they parse, else UTF-8 text, else binary.
    init?(bytes: [UInt8]?) {
        guard let bytes, !bytes.isEmpty else { return nil }
        if let j = try? JSON.parse(bytes) { self = .json(j); return }
        if let s = String(validatingCString: bytes.map { CChar(bitPattern: $0) } + [0]) { self = .text(s); return }
        self = .binary(bytes)
    }

    init?(from o: JSON) {
        if let j = o["body"] { self = .json(j); return }
        if let t = o["body_text"]?.stringValue { self = .text(t); return }
        if let b = o["body_base64"]?.stringValue, let d = Data(base64Encoded: b) { self = .binary(Array(d)); return }
        return nil
    }

    func store(into o: inout [String: JSON]) {
        switch self {
        case .json(let j): o["body"] = j
        case .text(let t): o["body_text"] = .string(t)
        case .binary(let b): o["body_base64"] = .string(Data(b).base64EncodedString())
        }
    }

    var bytes: [UInt8] {
        switch self {
        case .json(let j): return Array(j.encoded().utf8)
        case .text(let t): return Array(t.utf8)
        case .binary(let b): return b
        }
    }
}

package struct CassetteError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ d: String) { description = d }
}
