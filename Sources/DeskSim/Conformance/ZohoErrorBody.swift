import DeskCatalog
import JSONValue

/// Zoho's error body (Common.json `errorJson`, `errorDetailArr`): every error
/// answer carries `errorCode` from the documented list and a `message`; an
/// `errors[]` array, when present, holds `fieldName`/`errorType`/`errorMessage`.
enum ZohoErrorBody {
    static let codes = [
        "BAD_REQUEST", "UNAUTHORIZED", "INVALID_OAUTH", "SCOPE_MISMATCH", "OAUTH_ORG_MISMATCH", "FORBIDDEN",
        "LICENSE_ACCESS_LIMITED", "URL_NOT_FOUND", "METHOD_NOT_ALLOWED", "RESOURCE_SIZE_EXCEEDED",
        "UNSUPPORTED_MEDIA_TYPE", "INVALID_DATA", "EMPTY_PAYLOAD", "UNPROCESSABLE_ENTITY", "ONLY_LIVECHAT_USER",
        "DUPLICATE_CONTRACT", "INTEGRATION_ADMIN_ERROR", "THRESHOLD_EXCEEDED", "TOO_MANY_REQUESTS",
        "INTERNAL_SERVER_ERROR",
    ]

    static let detail = Schema(types: ["object"], properties: [
        "fieldName": Schema(types: ["string"]),
        "errorType": Schema(types: ["string"], enumValues: ["invalid", "duplicate", "missing"]),
        "errorMessage": Schema(types: ["string"]),
    ], requiredProperties: ["errorMessage", "errorType", "fieldName"], additionalProperties: false)

    /// For error statuses an operation does not document (a 404 on a list, a 429).
    static let schema = Schema(types: ["object"], properties: [
        "errorCode": Schema(types: ["string"], enumValues: codes),
        "message": Schema(types: ["string"]),
        "errors": Schema(types: ["array"], items: detail),
    ], requiredProperties: ["errorCode", "message"], additionalProperties: false)

    /// What every error body must meet whatever its documented schema says (some
    /// operations document an error status with a bare `{}`). Open: license errors
    /// add their own fields, which the documented schema checks.
    static let floor = Schema(types: ["object"], properties: [
        "errorCode": Schema(types: ["string"], enumValues: codes),
        "message": Schema(types: ["string"]),
        "errors": Schema(types: ["array"], items: detail),
    ], requiredProperties: ["errorCode", "message"])

    static func problems(_ json: JSON) -> [(String, String)] {
        var walk = SchemaWalk()
        walk.walk(json, floor, pointer: "")
        return walk.problems
    }
}
