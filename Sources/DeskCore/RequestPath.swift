import DeskCatalog

/// Fills an operation's path template with validated, percent-encoded values.
///
/// Path parameters are where injection happens: an "id" of `../../x`,
/// `1?orgId=2`, `1#`, or one carrying CR/LF would rewrite the request. Ids
/// must be digit strings (Zoho ids are int64 rendered as strings); other
/// parameters (locale, module API names) must be a single plain segment.
public enum RequestPath {
    /// The path with each `{name}` replaced by its checked, encoded value; throws `DeskError` (invalidArgument) for a missing or unsafe one.
    public static func build(template: String, parameters: [String: String], schemaFor: (String) -> Schema? = { _ in nil },
                             operationId: String? = nil) throws -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = parameters[name] else {
                throw DeskError(kind: .invalidArgument, message: "missing path parameter '\(name)'", operationId: operationId)
            }
            try validate(name: name, value: value, schema: schemaFor(name), operationId: operationId)
            out += PercentEncoding.encode(value)
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    static func isIdentifier(name: String, schema: Schema?) -> Bool {
        if name == "id" || name.hasSuffix("Id") || name.hasSuffix("_id") || name.hasSuffix("ID") { return true }
        if let schema, schema.format == "int64" || schema.types == ["integer"] || schema.pattern == "([0-9]+)" { return true }
        return false
    }

    static func validate(name: String, value: String, schema: Schema?, operationId: String?) throws {
        func refuse(_ why: String) -> DeskError {
            DeskError(kind: .invalidArgument, message: "path parameter '\(name)' \(why)", operationId: operationId)
        }
        if value.isEmpty { throw refuse("is empty") }
        if value.utf8.count > 256 { throw refuse("is too long") }
        if isIdentifier(name: name, schema: schema) {
            guard value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw refuse("must be a Zoho id (digits only), got \(Quoted(value))")
            }
            return
        }
        if value == "." || value == ".." { throw refuse("may not be '.' or '..'") }
        let forbidden: Set<UInt8> = [UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "?"), UInt8(ascii: "#"),
                                     UInt8(ascii: "%"), UInt8(ascii: "&")]
        for byte in value.utf8 where byte < 0x20 || byte == 0x7F || forbidden.contains(byte) {
            throw refuse("contains a character not allowed in a path segment: \(Quoted(value))")
        }
    }
}

/// Renders a user value for an error message with control characters made
/// visible, so a CR/LF in an id cannot forge lines in the terminal or log.
struct Quoted: CustomStringConvertible {
    let value: String
    init(_ value: String) { self.value = value }
    var description: String {
        var s = "\""
        for scalar in value.prefix(80).unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                s += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                s.unicodeScalars.append(scalar)
            }
        }
        return s + (value.count > 80 ? "…\"" : "\"")
    }
}

/// Header values are checked the same way: CR, LF or NUL would let a value
/// (an org id, a token from the environment) smuggle extra headers.
enum HeaderValue {
    static func check(_ name: String, _ value: String) throws {
        for byte in value.utf8 where byte == 0x0D || byte == 0x0A || byte == 0x00 {
            throw DeskError(kind: .invalidArgument, message: "header \(name) contains a control character; refused")
        }
    }
}
