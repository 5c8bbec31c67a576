/// Percent-encoding shared by query strings, form bodies and path segments.
/// Only RFC 3986 unreserved characters pass through, so `&`, `=`, `+`, `#`,
/// `/`, `?` and control characters can never change a request's structure.
enum PercentEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// `a=1&b=2`, keys sorted so requests (and cassettes) are deterministic.
    static func query(_ items: [String: String]) -> String {
        items.keys.sorted().map { "\(encode($0))=\(encode(items[$0]!))" }.joined(separator: "&")
    }
}
