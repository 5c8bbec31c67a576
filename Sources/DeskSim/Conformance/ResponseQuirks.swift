import Foundation

/// THE list of places where Zoho's response schemas cannot all be met at once,
/// or contradict each other. Each entry says why. The checker drops a violation
/// only when an entry here matches it; everything else fails CI.
///
/// What is NOT here because the generator resolves it by the spec's evident
/// intent (scripts/gen-catalog, `merge_all`): `allOf` beside
/// `additionalProperties: false` (Zoho's error and license bodies) is read as
/// "closed over the union of the allOf parts' properties", not as "no
/// properties at all", which is what the schema says literally.
enum ResponseQuirks {
    struct Quirk {
        /// operationId, or "*" for every operation.
        let operation: String
        /// Status code, or nil for any.
        let status: Int?
        /// Pointer suffix the violation's pointer must end with ("" = any pointer).
        let pointerSuffix: String
        /// Substring of the violation's message.
        let message: String
        let reason: String
    }

    static let all: [Quirk] = [
        Quirk(operation: "sendReply", status: 200, pointerSuffix: "/channel", message: "is not one of EMAIL",
              reason: "the request body accepts every reply channel (FACEBOOK, TWITTER, FORUMS, …) but the answer's "
                  + "schema lists EMAIL only; a reply carries the channel it was sent on"),
    ]

    /// Operations the spec gives the same method and path as another one, so no
    /// server can tell them apart: requests for the first go to the second.
    static let sharedRoutes: [String: (answeredBy: String, reason: String)] = [
        "getTemplateMessage": ("getCannedMessage", "IMTemplateMessage.json and IMCannedMessage.json both define GET /api/v1/im/cannedMessages/{id}"),
        "getTemplateMessages": ("getCannedMessages", "IMTemplateMessage.json and IMCannedMessage.json both define GET /api/v1/im/cannedMessages"),
    ]

    /// Entries in the list (quirks and shared routes), for the counts in RELIABILITY.md.
    static var count: Int { all.count + sharedRoutes.count }

    static func reason(for v: ResponseViolation) -> String? {
        all.first { q in
            (q.operation == "*" || q.operation == v.operationId)
                && (q.status == nil || q.status == v.status)
                && (q.pointerSuffix.isEmpty || v.pointer.hasSuffix(q.pointerSuffix))
                && v.message.contains(q.message)
        }?.reason
    }
}
