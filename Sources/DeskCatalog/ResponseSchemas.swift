import Foundation
import JSONValue
import Synchronization

/// What an operation documents for one status code: no body, a file, or a JSON
/// body of a given schema.
public enum ResponseBody: Sendable {
    case empty
    case binary
    case json(Schema)
}

/// The documented answers of every operation (generated: Generated/ResponseSchemaData.swift).
/// Kept apart from `Catalog` because only the simulator and its checks need them:
/// the shell's start-up must not pay for parsing a megabyte of schemas.
public final class ResponseSchemas: Sendable {
    public static let shared = ResponseSchemas(json: responseSchemasJSON)

    private let source: String
    private let table = Mutex<[String: [Int: ResponseBody]]?>(nil)

    init(json: String) { source = json }

    /// Every documented answer of `operationId`, by status code (empty when unknown).
    public func answers(_ operationId: String) -> [Int: ResponseBody] { loaded[operationId] ?? [:] }

    /// The documented answer for `status`, or nil when the spec does not list it.
    public func answer(_ operationId: String, status: Int) -> ResponseBody? { answers(operationId)[status] }

    /// The JSON schema of the answer, when it has one.
    public func schema(_ operationId: String, status: Int) -> Schema? {
        if case .json(let s)? = answer(operationId, status: status) { return s }
        return nil
    }

    public var operationIds: [String] { loaded.keys.sorted() }

    private var loaded: [String: [Int: ResponseBody]] {
        table.withLock { table in
            if let table { return table }
            let built = Self.decode(source)
            table = built
            return built
        }
    }

    /// A malformed table decodes to nothing (the generator's output is checked in CI), never a crash.
    static func decode(_ text: String) -> [String: [Int: ResponseBody]] {
        guard let root = try? JSON.parse(text),
              let schemas = root["schemas"]?.arrayValue?.map({ CatalogDecoder.schema($0) }),
              let ops = root["operations"]?.objectValue else { return [:] }
        var out: [String: [Int: ResponseBody]] = [:]
        for (id, answers) in ops {
            var byStatus: [Int: ResponseBody] = [:]
            for (code, v) in answers.objectValue ?? [:] {
                guard let status = Int(code) else { continue }
                switch v {
                case .string("empty"): byStatus[status] = .empty
                case .string("binary"): byStatus[status] = .binary
                case .int(let i) where i >= 0 && Int(i) < schemas.count: byStatus[status] = .json(schemas[Int(i)])
                default: continue
                }
            }
            out[id] = byStatus
        }
        return out
    }
}
