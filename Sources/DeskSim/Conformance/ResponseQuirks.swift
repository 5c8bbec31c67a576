import Foundation

/// THE list of places where Zoho's response schemas cannot all be met at once,
/// or contradict each other. Each entry says why. The checker drops a violation
/// only when an entry of `all` matches it; everything else fails CI. `resolved`
/// lists contradictions settled by the spec's evident intent that need no
/// exception in the checker, so the whole picture is in this one file.
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
        Quirk(operation: "getTickets", status: 200, pointerSuffix: "/contact", message: "not a documented field",
              reason: "include=contacts is documented (the include enum) but the closed list view of getTickets has no "
                  + "`contact`; the same ticket list view of getTicketsByTag has it, and answers use that one (includedListView)"),
    ]

    /// Lists whose `include` adds fields their own closed schema leaves out: answers asking
    /// for them are fitted to an operation's schema that has them (the same list view).
    static func includedListView(_ operationId: String, query: [String: String]) -> String? {
        guard operationId == "getTickets", let include = query["include"],
              include.split(separator: ",").contains(where: { $0 == "contacts" || $0 == "products" }) else { return nil }
        return "getTicketsByTag"
    }

    /// Operations the spec gives the same method and path as another one, so no
    /// server can tell them apart: requests for the first go to the second.
    static let sharedRoutes: [String: (answeredBy: String, reason: String)] = [
        "getTemplateMessage": ("getCannedMessage", "IMTemplateMessage.json and IMCannedMessage.json both define GET /api/v1/im/cannedMessages/{id}"),
        "getTemplateMessages": ("getCannedMessages", "IMTemplateMessage.json and IMCannedMessage.json both define GET /api/v1/im/cannedMessages"),
    ]

    /// Contradictions settled by intent, and where.
    static let resolved: [(what: String, reason: String)] = [
        ("allOf beside additionalProperties: false (error, license and mass-action bodies)",
         "read literally nothing validates (no properties are declared next to allOf); scripts/gen-catalog "
             + "(merge_all) closes the object over the union of the allOf parts' properties"),
        ("a profile's type: Administrator/Standard/Light/Portal/Custom in Profile.json, ADMIN/STANDARD/… in Agent.json's embedded profile",
         "one value, two spellings; the agent handler embeds the profile with Agent.json's (embeddedProfileType)"),
        ("mass-action per-id errors list no URL_NOT_FOUND/404 (MassActionError.json)",
         "an id nobody has is reported per id as INVALID_DATA/422 (Users.notFound), the codes the schema allows"),
        ("anonymized help-center users: the user schema's status has no ANONYMIZED",
         "an anonymized end user is DELETED (deleteEndUser)"),
    ]

    /// Entries in this file (checker exceptions, shared routes, resolved contradictions),
    /// for the counts in RELIABILITY.md.
    static var count: Int { all.count + sharedRoutes.count + resolved.count }

    static func reason(for v: ResponseViolation) -> String? {
        all.first { q in
            (q.operation == "*" || q.operation == v.operationId)
                && (q.status == nil || q.status == v.status)
                && (q.pointerSuffix.isEmpty || v.pointer.hasSuffix(q.pointerSuffix))
                && v.message.contains(q.message)
        }?.reason
    }
}
