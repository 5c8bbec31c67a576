import Foundation
import MCP

/// Asks the human behind the MCP client to confirm a plan, through form
/// elicitation. The assistant cannot answer for them: the question goes to
/// the client, which shows it to its user. A client that declared no form
/// elicitation (none, or only URL elicitation) cannot ask, so the plan is refused.
struct Confirmer: Sendable {
    enum Verdict: Sendable, Equatable {
        case confirmed
        /// `answer` is what the audit records: declined, cancelled, unchecked, cannot_ask, failed.
        case refused(answer: String, why: String)
    }

    let server: Server
    let ledger: SessionLedger

    static let field = "confirm"

    /// `picture` is the re-derived plan as `zdsh apply` shows it (names,
    /// paths and ids); `reason` says why this plan needs a human.
    func confirm(plan picture: String, reason: String, terminalHint: String) async -> Verdict {
        guard ledger.canAsk else {
            return .refused(answer: "cannot_ask", why: "this plan needs the user's confirmation (\(reason)), and the MCP client (\(ledger.clientName)) cannot ask its user: it declared no form elicitation. Nothing was sent. Tell the user; the operator can review and apply it from a terminal with \(terminalHint)")
        }
        let schema = Elicitation.RequestSchema(
            title: "Apply these Zoho Desk changes?",
            description: "An assistant asks to apply this plan.",
            properties: [Self.field: .object([
                "type": .string("boolean"),
                "title": .string("Apply these calls"),
                "description": .string("Check to send the calls listed above; leave unchecked to refuse."),
            ])],
            required: [Self.field])
        let message = "zdsh: an assistant asks to apply this plan; it needs your confirmation because \(reason).\n\n\(picture)\n\nApply it?"
        do {
            let answer = try await server.requestElicitation(message: message, requestedSchema: schema)
            switch answer.action {
            case .accept:
                guard answer.content?[Self.field]?.boolValue == true else {
                    return .refused(answer: "unchecked", why: "the user did not confirm the plan; nothing was sent. Do not retry unless the user asks")
                }
                return .confirmed
            case .decline: return .refused(answer: "declined", why: "the user declined the plan; nothing was sent. Do not retry unless the user asks")
            case .cancel: return .refused(answer: "cancelled", why: "the user cancelled the confirmation; nothing was sent")
            }
        } catch {
            return .refused(answer: "failed", why: "the confirmation could not be asked (\(error)); nothing was sent")
        }
    }
}
