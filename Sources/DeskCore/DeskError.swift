import Foundation
import JSONValue

/// The one error type every Desk call throws. It carries what Zoho said
/// (status, errorCode, message, field errors), where (operation, request id)
/// and what to do about it (`hint`). No secret ever enters one: messages are
/// built from server text and our own words, and server text is scrubbed.
public struct DeskError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// What went wrong, broadly: callers and exit codes branch on this.
    public enum Kind: String, Sendable, Hashable {
        /// Zoho answered with an error status and (usually) an errorCode.
        case api
        /// 429 TOO_MANY_REQUESTS that persisted through the retries.
        case rateLimited
        /// 429 THRESHOLD_EXCEEDED: the org's daily API credits are spent.
        case dailyLimitExceeded
        /// An HTML page instead of JSON: almost always the wrong data centre.
        case wrongDataCenter
        /// OAuth failed (token endpoint said no, or no way to get a token).
        case authentication
        /// The token lacks a scope the operation needs (checked before sending).
        case missingScope
        /// A path parameter, query or header value was refused before sending.
        case invalidArgument
        /// Org / portal / help-center discovery needs a choice or found nothing.
        case organization
        /// Missing or inconsistent configuration (profile, client id, store).
        case configuration
        /// No HTTP response (after retries, where retrying was allowed).
        case network
        /// A response that could not be understood.
        case malformedResponse
        /// A response larger than the run may hold (`--max-memory`): refused
        /// as it arrived. The status is known: a 2xx write was applied.
        case responseTooLarge
    }

    /// One entry of Zoho's `errors[]` (INVALID_DATA): a JSON pointer and why.
    public struct FieldError: Sendable, Hashable {
        /// The field Zoho named.
        public let fieldName: String
        /// Zoho's kind of problem ("invalid", "missing").
        public let errorType: String?
        /// Zoho's words about it.
        public let errorMessage: String?
        /// A field error as Zoho reported it.
        public init(fieldName: String, errorType: String?, errorMessage: String?) {
            self.fieldName = fieldName; self.errorType = errorType; self.errorMessage = errorMessage
        }
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The HTTP status, when an answer came.
    public var status: Int?
    /// Zoho's machine-readable code ("INVALID_DATA"), or the OAuth error ("invalid_client").
    public var errorCode: String?
    /// What happened, in words fit for the user (server text scrubbed).
    public var message: String
    /// Zoho's per-field complaints (INVALID_DATA).
    public var fieldErrors: [FieldError]
    /// The catalog operation being called, when known.
    public var operationId: String?
    /// Zoho's request id, for a support ticket.
    public var requestId: String?
    /// What the user can do about it.
    public var hint: String?
    /// The parsed error body, for callers that want extra fields (LICENSE_ACCESS_LIMITED …).
    public var details: JSONBox?

    /// An error of `kind` saying `message`; the rest as known.
    public init(kind: Kind, status: Int? = nil, errorCode: String? = nil, message: String,
                fieldErrors: [FieldError] = [], operationId: String? = nil, requestId: String? = nil,
                hint: String? = nil, details: JSONBox? = nil) {
        self.kind = kind; self.status = status; self.errorCode = errorCode; self.message = message
        self.fieldErrors = fieldErrors; self.operationId = operationId; self.requestId = requestId
        self.hint = hint; self.details = details
    }

    /// The message with operation, status, code, field errors, hint and request id.
    public var description: String { lines.joined(separator: "\n") }

    /// `description` line by line, as zdsh lays it out. A line may still hold
    /// a server's newline: whoever shows the lines escapes each one, so the
    /// layout is zdsh's and a server's text cannot start a line of its own.
    public var lines: [String] {
        var head = ""
        if let operationId { head += "\(operationId): " }
        var tags: [String] = []
        if let status { tags.append("HTTP \(status)") }
        if let errorCode { tags.append(errorCode) }
        if !tags.isEmpty { head += tags.joined(separator: " ") + " — " }
        var lines = [head + message]
        for field in fieldErrors {
            lines.append("  \(field.fieldName): \([field.errorType, field.errorMessage].compactMap { $0 }.joined(separator: " — "))")
        }
        if let hint { lines.append("hint: \(hint)") }
        if let requestId { lines.append("(request id \(requestId))") }
        return lines
    }

    /// Foundation's view: the same text as `description`.
    public var errorDescription: String? { description }
}

/// `JSON` wrapped so `DeskError` stays Hashable without exposing the enum in
/// its description.
public struct JSONBox: Sendable, Hashable {
    /// The wrapped value.
    public let value: JSON
    /// Wraps `value`.
    public init(_ value: JSON) { self.value = value }
}
