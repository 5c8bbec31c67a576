/// One file sent in a multipart/form-data request: the form field it fills
/// (the operation's binary body property, e.g. `file`, `logo`, `userPhoto`),
/// the name and type it is sent under, and its bytes.
public struct UploadFile: Sendable, Hashable {
    public var field: String
    /// Already sanitized for the Content-Disposition header (see `UploadFileName`).
    public var fileName: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(field: String, fileName: String, contentType: String, bytes: [UInt8]) {
        self.field = field
        self.fileName = UploadFileName.sanitized(fileName)
        self.contentType = UploadFileName.sanitizedContentType(contentType)
        self.bytes = bytes
    }
}

/// File names and content types as they may appear inside a part's headers.
///
/// The name comes from a runbook (hostile): a quote, backslash, CR/LF or other
/// control character could end the `filename="…"` parameter or the header
/// and forge another; a path separator could make a server store it
/// elsewhere. Those become `_`, the name is cut to 200 bytes, and an empty or
/// dot-only name becomes `upload`.
public enum UploadFileName {
    public static func sanitized(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        var out = String.UnicodeScalarView()
        for scalar in base.unicodeScalars {
            let forbidden = scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || "\"\\/;=".unicodeScalars.contains(scalar) || isBidiControl(scalar)
            out.append(forbidden ? "_" : scalar)
        }
        var result = String(out)
        while result.utf8.count > 200 { result.removeLast() }
        if result.allSatisfy({ $0 == "." || $0 == " " }) { return "upload" }
        return result
    }

    /// A `type/subtype` made of token characters, else application/octet-stream.
    public static func sanitizedContentType(_ type: String) -> String {
        let allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&^_.+-"
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 64 && $0.allSatisfy { allowed.contains($0) } }) else {
            return "application/octet-stream"
        }
        return type.lowercased()
    }

    /// A content type guessed from the extension, for files given by path.
    public static func guessedContentType(for name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        let known: [String: String] = [
            "txt": "text/plain", "csv": "text/csv", "log": "text/plain", "json": "application/json",
            "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
            "gif": "image/gif", "ico": "image/x-icon", "svg": "image/svg+xml", "webp": "image/webp",
            "zip": "application/zip", "html": "text/html", "xml": "application/xml",
            "doc": "application/msword", "xls": "application/vnd.ms-excel",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ]
        return known[ext] ?? "application/octet-stream"
    }

    private static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value) || s.value == 0x200E || s.value == 0x200F
    }
}
