import JSONValue

/// The bytes of a request body and the Content-Type they go with: JSON for
/// most operations, multipart/form-data for the operations that take files.
struct RequestPayload: Sendable {
    let contentType: String
    let bytes: [UInt8]

    /// nil when the request has no body.
    init?(json: JSON?, files: [UploadFile]) throws {
        if !files.isEmpty {
            let form = try MultipartBody(files: files)
            contentType = form.contentType
            bytes = form.bytes
        } else if let json {
            contentType = "application/json"
            bytes = json.encodedBytes()
        } else {
            return nil
        }
    }
}
