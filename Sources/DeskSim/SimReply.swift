import DeskCore
import JSONValue

/// What a handler answers before it is turned into wire bytes.
enum Reply {
    case json(JSON, status: Int)
    case noContent
    case bytes([UInt8], contentType: String, status: Int)

    static func ok(_ value: JSON) -> Reply { .json(value, status: 200) }

    var wire: WireResponse {
        switch self {
        case .json(let value, let status):
            return WireResponse(status: status, headers: [Header("Content-Type", "application/json;charset=UTF-8")],
                                body: value.encodedBytes())
        case .noContent:
            return WireResponse(status: 204)
        case .bytes(let bytes, let type, let status):
            return WireResponse(status: status, headers: [Header("Content-Type", type)], body: bytes)
        }
    }
}

/// One entry of an INVALID_DATA `errors[]` array.
struct FieldError: Hashable {
    /// JSON pointer into the body ("/userIds/0"), or the query parameter name.
    var fieldName: String
    /// "invalid", "missing" or "duplicate".
    var errorType: String
    var errorMessage: String

    var json: JSON {
        ["fieldName": .string(fieldName), "errorType": .string(errorType), "errorMessage": .string(errorMessage)]
    }
}

/// A Zoho error response: `{"errorCode", "message"}` plus `errors[]` for
/// INVALID_DATA. Handlers throw it; it never reaches the state.
struct SimError: Error {
    var status: Int
    var code: String
    var message: String
    var errors: [FieldError] = []

    var reply: Reply {
        var body: [String: JSON] = ["errorCode": .string(code), "message": .string(message)]
        if !errors.isEmpty { body["errors"] = .array(errors.map(\.json)) }
        return .json(.object(body), status: status)
    }

    static let notFound = SimError(status: 404, code: "URL_NOT_FOUND", message: "The URL you requested could not be found.")
    static let methodNotAllowed = SimError(status: 405, code: "METHOD_NOT_ALLOWED", message: "The requested method is not allowed for this URL.")
    static let invalidOAuth = SimError(status: 401, code: "INVALID_OAUTH", message: "The OAuth token is invalid or has expired.")
    static let scopeMismatch = SimError(status: 403, code: "SCOPE_MISMATCH", message: "The OAuth token does not have the scope this operation needs.")
    static let orgMismatch = SimError(status: 403, code: "OAUTH_ORG_MISMATCH", message: "The OAuth token was not generated for this organization.")
    static let tooManyRequests = SimError(status: 429, code: "TOO_MANY_REQUESTS", message: "Too many concurrent requests for this organization.")
    static let thresholdExceeded = SimError(status: 429, code: "THRESHOLD_EXCEEDED", message: "The daily API credit limit of this organization has been reached.")

    static func invalid(_ errors: [FieldError]) -> SimError {
        SimError(status: 422, code: "INVALID_DATA", message: "The data does not comply to the validation restrictions defined.", errors: errors)
    }

    static func invalid(field: String, _ type: String = "invalid", _ message: String) -> SimError {
        invalid([FieldError(fieldName: field, errorType: type, errorMessage: message)])
    }

    static func unprocessable(_ message: String) -> SimError {
        SimError(status: 422, code: "UNPROCESSABLE_ENTITY", message: message)
    }

    /// The errorCode Zoho uses for a given status, for injected faults.
    static func code(forStatus status: Int) -> String {
        switch status {
        case 400: return "BAD_REQUEST"
        case 401: return "INVALID_OAUTH"
        case 403: return "FORBIDDEN"
        case 404: return "URL_NOT_FOUND"
        case 405: return "METHOD_NOT_ALLOWED"
        case 413: return "RESOURCE_SIZE_EXCEEDED"
        case 415: return "UNSUPPORTED_MEDIA_TYPE"
        case 422: return "UNPROCESSABLE_ENTITY"
        case 429: return "TOO_MANY_REQUESTS"
        default: return "INTERNAL_SERVER_ERROR"
        }
    }
}
