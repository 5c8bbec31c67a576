import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import MultipartKit
import NIOCore

/// Reads the multipart/form-data body of an upload operation the way Zoho
/// does: another media type is 415 UNSUPPORTED_MEDIA_TYPE (a JSON body
/// included), a file over the operation's limit is 413
/// RESOURCE_SIZE_EXCEEDED, a form without its required file is 422
/// INVALID_DATA. Parsing is MultipartKit's, the client's own library.
enum UploadIntake {
    struct Part {
        var headers: [(String, String)] = []
        var bytes: [UInt8] = []

        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    /// The body handed to the upload handler: per file field, its name,
    /// size, type and content (base64, kept in an internal field).
    static func read(_ req: SimRequest, _ op: DeskCatalog.Operation) -> Result<JSON, SimError> {
        let type = req.header("Content-Type") ?? ""
        guard type.lowercased().hasPrefix("multipart/form-data") else {
            return .failure(SimError(status: 415, code: "UNSUPPORTED_MEDIA_TYPE",
                                     message: "The request's media type is not supported: this operation takes multipart/form-data."))
        }
        guard let boundary = parameter("boundary", in: type), !boundary.isEmpty, boundary.utf8.count <= 70 else {
            return .failure(.invalid(field: "/", "invalid", "The multipart body has no valid boundary"))
        }
        let limit = UploadLimits.maximumBytes(for: op.id)
        let raw = req.body ?? []
        // A form larger than the limit plus its framing (boundaries and part
        // headers: well under 16 KB) is refused before it is parsed.
        if raw.count > limit + 16 << 10 { return .failure(tooLarge(limit)) }
        guard let parts = parse(raw, boundary: boundary) else {
            return .failure(.invalid(field: "/", "invalid", "The multipart body could not be parsed"))
        }
        var form: [String: JSON] = [:]
        for field in op.fileFields {
            guard let part = parts.first(where: { disposition($0)?.name == field }) else { continue }
            if part.bytes.count > limit { return .failure(tooLarge(limit)) }
            let name = disposition(part)?.fileName ?? field
            form[field] = [
                "name": .string(name),
                "size": .int(Int64(part.bytes.count)),
                "contentType": .string(part.header("Content-Type") ?? "application/octet-stream"),
                "_content": .string(Data(part.bytes).base64EncodedString()),
            ]
        }
        for field in op.body?.schema.requiredProperties ?? [] where form[field] == nil {
            return .failure(.invalid([FieldError(fieldName: field, errorType: "missing", errorMessage: "The form has no file part named \(field)")]))
        }
        return .success(.object(form))
    }

    static func tooLarge(_ limit: Int) -> SimError {
        SimError(status: 413, code: "RESOURCE_SIZE_EXCEEDED",
                 message: "The file is larger than the \(UploadLimits.describe(limit)) this operation accepts.")
    }

    static func parse(_ raw: [UInt8], boundary: String) -> [Part]? {
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var current = Part()
        parser.onHeader = { name, value in current.headers.append((name, value)) }
        parser.onBody = { buffer in current.bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = { parts.append(current); current = Part() }
        do { try parser.execute(raw) } catch { return nil }
        return parts
    }

    /// `form-data; name="file"; filename="a b.pdf"`, quoted strings honoured.
    static func disposition(_ part: Part) -> (name: String?, fileName: String?)? {
        guard let value = part.header("Content-Disposition") else { return nil }
        return (parameter("name", in: value), parameter("filename", in: value))
    }

    /// A `key=value` or `key="quoted; value"` parameter of a header value.
    static func parameter(_ key: String, in header: String) -> String? {
        var rest = Substring(header)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop(while: { $0 == " " || $0 == "\t" })
            guard let eq = rest.firstIndex(of: "=") else { return nil }
            let name = rest[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = rest[rest.index(after: eq)...]
            var text = ""
            if value.first == "\"" {
                value = value.dropFirst()
                var escaped = false
                while let c = value.first {
                    value = value.dropFirst()
                    if escaped { text.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break } else { text.append(c) }
                }
            } else {
                let end = value.firstIndex(of: ";") ?? value.endIndex
                text = value[..<end].trimmingCharacters(in: .whitespaces)
                value = value[end...]
            }
            if name == key.lowercased() { return text }
            rest = value
        }
        return nil
    }
}
