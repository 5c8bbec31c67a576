import Foundation
import MCP

/// Asks the human behind the MCP client to confirm a plan with destructive
/// calls, through elicitation. The assistant cannot answer for them: the
/// question goes to the client, which shows it to its user. A client that
/// declared no elicitation support cannot ask, so the plan is refused.
struct Confirmer: Sendable {
    enum Verdict: Sendable, Equatable {
        case confirmed
        case refused(String)
    }

    let server: Server
    let ledger: SessionLedger

    static let field = "confirm"

    func confirm(plan picture: String) async -> Verdict {
        guard ledger.canAsk else {
            return .refused("this plan contains destructive calls and the MCP client (\(ledger.clientName)) cannot ask its user to confirm them (it supports no elicitation); apply it with `zdsh apply` from a terminal instead")
        }
        let schema = Elicitation.RequestSchema(
            title: "Apply destructive Zoho Desk changes?",
            description: "An assistant asks to apply this plan.",
            properties: [Self.field: .object([
                "type": .string("boolean"),
                "title": .string("Apply these calls"),
                "description": .string("Check to send the calls listed above; leave unchecked to refuse."),
            ])],
            required: [Self.field])
        let message = "zdsh: an assistant asks to apply this plan, which contains DESTRUCTIVE calls.\n\n\(picture)\n\nApply it?"
        do {
            let answer = try await server.requestElicitation(message: message, requestedSchema: schema)
            switch answer.action {
            case .accept:
                guard answer.content?[Self.field]?.boolValue == true else {
                    return .refused("the user did not confirm the plan; nothing was sent")
                }
                return .confirmed
            case .decline: return .refused("the user declined the plan; nothing was sent")
            case .cancel: return .refused("the user cancelled the confirmation; nothing was sent")
            }
        } catch {
            return .refused("the confirmation could not be asked (\(error)); nothing was sent")
        }
    }
}
