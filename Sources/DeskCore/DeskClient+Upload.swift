import DeskCatalog

extension DeskClient {
    /// Calls an operation that takes files (its body is multipart/form-data):
    /// each file is checked against the operation's size limit before
    /// anything is sent, then goes as one part of the form.
    public func upload(_ operation: DeskCatalog.Operation, path: [String: String] = [:], query: [String: String] = [:],
                       files: [UploadFile]) async throws -> DeskResult {
        guard operation.takesFiles else {
            throw DeskError(kind: .invalidArgument, message: "\(operation.id) does not take files (its body is not multipart/form-data)",
                            operationId: operation.id)
        }
        try UploadLimits.check(files, operation: operation.id)
        let schemas = Dictionary(operation.parameters.filter { $0.location == .path }.map { ($0.name, $0.schema) },
                                 uniquingKeysWith: { a, _ in a })
        let concrete = try RequestPath.build(template: operation.path, parameters: path,
                                             schemaFor: { schemas[$0] }, operationId: operation.id)
        return try await send(method: operation.method, path: concrete, query: query, body: nil,
                              operation: operation, files: files)
    }
}

extension DeskCatalog.Operation {
    /// True for the operations whose body is multipart/form-data.
    public var takesFiles: Bool { body?.contentType.hasPrefix("multipart/form-data") ?? false }

    /// The body fields that carry a file (`format: binary`), e.g. ["file"].
    public var fileFields: [String] {
        guard takesFiles, let props = body?.schema.properties else { return [] }
        return props.filter { $0.value.format == "binary" }.map(\.key).sorted()
    }
}

extension UploadLimits {
    /// Refuses a file larger than the operation accepts, naming it and the limit.
    public static func check(_ files: [UploadFile], operation: String) throws {
        let limit = maximumBytes(for: operation)
        for file in files where file.bytes.count > limit {
            throw DeskError(kind: .invalidArgument,
                            message: "\(file.field) '\(file.fileName)' is \(file.bytes.count) bytes, more than the \(describe(limit)) \(operation) accepts; nothing was sent",
                            operationId: operation)
        }
    }
}
