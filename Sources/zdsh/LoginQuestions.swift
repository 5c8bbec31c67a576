import ArgumentParser
import DeskCore
import Foundation

/// What `zdsh auth login` needs before it can call Zoho, from options, then
/// the environment, then the terminal. Off a terminal nothing is asked: a
/// missing answer is a usage error naming the option or variable.
struct LoginQuestions {
    struct Answers {
        let dataCenter: DataCenter
        let clientId: String
        let clientSecret: Secret
        let code: Secret
    }

    let login: AuthCommand.Login
    var environment = ProcessInfo.processInfo.environment

    func ask() throws -> Answers {
        let given = (dc: login.dc ?? env("ZOHO_DC"), id: login.clientId ?? env("ZOHO_CLIENT_ID"),
                     secret: login.clientSecret ?? env("ZOHO_CLIENT_SECRET"), code: login.code)
        let pinned = login.endpoints.value
        // With both hosts given the data centre names nothing: do not ask for it.
        let dcImplied = pinned.apiURL != nil && pinned.accountsURL != nil
        if LoginPrompt.interactive && ((given.dc == nil && !dcImplied) || given.id == nil || given.secret == nil || given.code == nil) {
            FileHandle.standardError.write(Data(introduction(rehearsal: pinned.accountsURL.map(Self.isLocal) ?? false).utf8))
        }
        let dcName = try given.dc ?? (dcImplied ? "com" : answer("Data centre [\(DataCenter.names)] (com): ", orDefault: "com"))
        guard let dataCenter = DataCenter(name: dcName) else {
            throw ValidationError("--dc: unknown data centre '\(dcName)'; use one of: \(DataCenter.names)")
        }
        let id = try given.id ?? answer("Client id: ", missing: "a client id is required (--client-id or ZOHO_CLIENT_ID)")
        let secret = try given.secret ?? answer("Client secret (not echoed): ", secret: true,
                                               missing: "a client secret is required (the prompt, or ZOHO_CLIENT_SECRET)")
        let code = try given.code ?? answer(
            "Grant code (API console → Self Client → Generate Code; not echoed): ", secret: true,
            missing: "a grant code is required (--code, or the prompt on a terminal)")
        return Answers(dataCenter: dataCenter, clientId: id, clientSecret: Secret(secret),
                       code: Secret(code.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    private func introduction(rehearsal: Bool) -> String {
        var text = """
            Log in to Zoho Desk with a Self Client (Ctrl-C or Ctrl-D aborts; nothing is stored until Zoho accepts the code).
            The grant code comes from the Zoho API console (https://api-console.zoho.com, or your data centre's) →
            Self Client → Generate Code, with the Desk scopes you need, e.g.
            Desk.tickets.ALL,Desk.contacts.READ,Desk.basic.READ,Desk.settings.READ,Desk.search.READ
            It works once, for the few minutes chosen there.

            """
        if rehearsal {
            text += "Rehearsal: `zdsh sim serve` printed this simulator's client id, secret and grant code.\n"
        }
        return text
    }

    /// One prompt. Ctrl-C exits 130 and Ctrl-D exits 1, at every question.
    private func answer(_ prompt: String, secret: Bool = false, missing: String = "", orDefault: String? = nil) throws -> String {
        guard LoginPrompt.interactive else {
            if let orDefault { return orDefault }
            throw ValidationError(missing)
        }
        switch LoginPrompt.ask(prompt, secret: secret) {
        case .text(let text):
            if text.isEmpty, let orDefault { return orDefault }
            if text.isEmpty { throw ValidationError(missing) }
            return text
        case .interrupted:
            FileHandle.standardError.write(Data("zdsh: auth login aborted (Ctrl-C); nothing was stored\n".utf8))
            throw ExitCode(130)
        case .endOfInput:
            FileHandle.standardError.write(Data("zdsh: auth login aborted (Ctrl-D); nothing was stored\n".utf8))
            throw ExitCode(1)
        }
    }

    private func env(_ key: String) -> String? {
        environment[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    static func isLocal(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return ["127.0.0.1", "localhost", "::1"].contains(host)
    }
}
