import Foundation
import MultipartKit
import NIOCore
import NIOHTTP1

/// A multipart/form-data request body, serialized with Vapor's MultipartKit
/// (maintained, NIO-based, used by Vapor itself for form uploads): one part
/// per file, with a random boundary per request.
public struct MultipartBody: Sendable {
    public let boundary: String
    public let bytes: [UInt8]
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public init(files: [UploadFile]) throws {
        var boundary = Self.randomBoundary()
        // The boundary must not occur in any part (MultipartKit does not check).
        while files.contains(where: { Self.contains($0.bytes, Array(boundary.utf8)) }) {
            boundary = Self.randomBoundary()
        }
        let parts = files.map { file -> MultipartPart in
            var headers = HTTPHeaders()
            headers.add(name: "Content-Disposition",
                        value: "form-data; name=\"\(UploadFileName.sanitized(file.field))\"; filename=\"\(file.fileName)\"")
            headers.add(name: "Content-Type", value: file.contentType)
            return MultipartPart(headers: headers, body: file.bytes)
        }
        var buffer = ByteBufferAllocator().buffer(capacity: files.reduce(256) { $0 + $1.bytes.count + 256 })
        try MultipartSerializer().serialize(parts: parts, boundary: boundary, into: &buffer)
        self.boundary = boundary
        self.bytes = Array(buffer.readableBytesView)
    }

    /// 32 random hex digits after a fixed prefix: unguessable by the file's
    /// author, so a file cannot end its own part early.
    static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }
            .map { String(repeating: "0", count: 16 - $0.count) + $0 }
        return "zdsh-" + hex.joined()
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}

extension MultipartBody {
    /// The body with its random boundary replaced by a fixed one, so a
    /// recorded upload matches its replay (cassettes compare bodies).
    public static func normalized(_ bytes: [UInt8], contentType: String) -> [UInt8] {
        guard let range = contentType.range(of: "boundary=") else { return bytes }
        let boundary = Array(contentType[range.upperBound...].prefix { $0 != ";" }.trimmingCharacters(in: .init(charactersIn: "\" ")).utf8)
        guard !boundary.isEmpty else { return bytes }
        let fixed = Array("zdsh-recorded-boundary".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == boundary[0], i + boundary.count <= bytes.count, bytes[i..<(i + boundary.count)].elementsEqual(boundary) {
                out += fixed
                i += boundary.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}
