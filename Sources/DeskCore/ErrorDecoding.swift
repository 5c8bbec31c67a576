import Foundation
import JSONValue

/// Turns a non-success Desk response into a `DeskError`.
enum ErrorDecoding {
    static let requestIdHeaders = ["x-request-id", "x-zoho-request-id", "x-zcsrf-request-id", "request-id"]

    static func requestId(_ response: WireResponse) -> String? {
        for name in requestIdHeaders { if let v = response.header(name), !v.isEmpty { return String(v.prefix(128)) } }
        return nil
    }

    /// The largest error body parsed: Zoho's are a few hundred bytes, and a
    /// server's error must not cost more than its words are worth.
    static let maxParsedBody = 1 << 20

    /// An error body as JSON, when it is JSON and small enough to read.
    static func parsed(_ body: [UInt8]) -> JSON? {
        guard body.count <= maxParsedBody else { return nil }
        return try? JSON.parse(body)
    }

    /// Zoho's errorCode in a JSON error body, if any.
    static func errorCode(_ body: [UInt8]) -> String? {
        guard body.first == UInt8(ascii: "{") || body.first.map({ $0 == 0x20 || $0 == 0x0A }) == true,
              let json = parsed(body) else { return nil }
        return json["errorCode"]?.stringValue.map { String($0.prefix(200)) }
    }

    static func decode(_ response: WireResponse, operationId: String?, apiURL: String, dataCenter: DataCenter,
                       redactor: Redactor, now: Date = Date()) -> DeskError {
        let status = response.status
        let requestId = requestId(response)
        let text = String(decoding: response.body.prefix(4096), as: UTF8.self)
        guard let json = parsed(response.body) else {
            if HTMLDetector.looksLikeHTML(text) {
                let title = HTMLDetector.title(text).map { " (\"\(redactor.scrub($0))\")" } ?? ""
                return DeskError(
                    kind: .wrongDataCenter, status: status,
                    message: "Zoho answered with an HTML page\(title) instead of JSON.",
                    operationId: operationId, requestId: requestId,
                    hint: "This usually means the token belongs to another data centre than \(apiURL) (profile says "
                        + "\(dataCenter.rawValue)). Check `zdsh auth status`; log in again with the right --dc "
                        + "(com, eu, in, com.au, jp, com.cn, ca, sa, uk).")
            }
            let snippet = redactor.scrub(String(text.prefix(200))).trimmingCharacters(in: .whitespacesAndNewlines)
            return DeskError(kind: status >= 500 ? .api : .malformedResponse, status: status,
                             message: snippet.isEmpty ? "HTTP \(status) with no body" : "HTTP \(status): \(snippet)",
                             operationId: operationId, requestId: requestId)
        }
        let code = json["errorCode"]?.stringValue
        let message = redactor.scrub(json["message"]?.stringValue ?? json["errorMessage"]?.stringValue
            ?? "HTTP \(status)")
        let fields: [DeskError.FieldError] = (json["errors"]?.arrayValue ?? []).map {
            DeskError.FieldError(fieldName: $0["fieldName"]?.stringValue ?? "/",
                                 errorType: $0["errorType"]?.stringValue,
                                 errorMessage: $0["errorMessage"]?.stringValue.map(redactor.scrub))
        }
        var kind = DeskError.Kind.api
        if status == 429 { kind = code == "THRESHOLD_EXCEEDED" ? .dailyLimitExceeded : .rateLimited }
        var hint = hint(code: code, status: status)
        if code == "THRESHOLD_EXCEEDED", let reset = RateLimitReset.find(response, json, now: now) {
            hint = (hint.map { $0 + " " } ?? "") + "Zoho says the limit resets at \(reset)."
        }
        return DeskError(kind: kind, status: status, errorCode: code, message: message, fieldErrors: fields,
                         operationId: operationId, requestId: requestId, hint: hint, details: JSONBox(json))
    }

    static func hint(code: String?, status: Int) -> String? {
        switch code {
        case "SCOPE_MISMATCH": return "The token lacks a scope this call needs: log in again (`zdsh auth login`) with the scope added."
        case "OAUTH_ORG_MISMATCH": return "The token was issued for another organisation: check the org id (`--org`, ZOHO_DESK_ORG_ID)."
        case "INVALID_OAUTH", "UNAUTHORIZED": return "The access token was refused even after a refresh: run `zdsh auth login` again."
        case "THRESHOLD_EXCEEDED": return "Zoho counts too many requests from this organisation in the current period: its daily API credits are used up (Setup → Developer Space → APIs shows usage). Not retried: wait for the reset."
        case "TOO_MANY_REQUESTS": return "Too many concurrent calls for this portal; lower the concurrency or retry later."
        case "LICENSE_ACCESS_LIMITED": return "The Desk edition does not allow this (see details for the limit)."
        case "URL_NOT_FOUND": return status == 404 ? "The id may not exist, or the path is not part of the Desk API." : nil
        default: return nil
        }
    }
}
