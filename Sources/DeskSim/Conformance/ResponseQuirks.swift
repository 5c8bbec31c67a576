import Foundation

/// THE list of places where Zoho's response schemas cannot all be met at once,
/// or contradict what Zoho evidently sends. Each entry says why. The checker
/// drops a violation only when an entry here matches it; everything else fails CI.
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
    ]

    static func reason(for v: ResponseViolation) -> String? {
        all.first { q in
            (q.operation == "*" || q.operation == v.operationId)
                && (q.status == nil || q.status == v.status)
                && (q.pointerSuffix.isEmpty || v.pointer.hasSuffix(q.pointerSuffix))
                && v.message.contains(q.message)
        }?.reason
    }
}
