import ArgumentParser
import DeskCore
import Foundation

/// `zdsh auth login|status|logout|profiles`. Thin: the work is in
/// `DeskCore.AuthService`; this file only gathers input and prints results.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Log in to Zoho Desk, show the stored connection, or log out.",
        subcommands: [Login.self, Status.self, Logout.self, Profiles.self],
        defaultSubcommand: Status.self)

    /// Options every auth subcommand shares.
    struct Common: ParsableArguments {
        @Option(name: .long, help: "Profile name (default: $ZDSH_PROFILE or 'default').")
        var profile: String?

        @Option(name: .long, help: ArgumentHelp("Connection store path.", valueName: "path"))
        var store: String?

        @Flag(name: .shortAndLong, help: "Show each HTTP request and response on stderr (also ZDSH_DEBUG=1).")
        var verbose = false

        var profileName: String {
            profile ?? ProcessInfo.processInfo.environment["ZDSH_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        }

        func openStore() throws -> SQLiteTokenStore {
            try SQLiteTokenStore(path: store ?? SQLiteTokenStore.defaultPath())
        }

        var log: RequestLogSink {
            verbose || StderrLogSink.isRequested() ? StderrLogSink() : SilentLogSink()
        }
    }

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exchange a Self Client grant code for a refresh token and store it.",
            discussion: """
                In the Zoho API console (api-console.zoho.<dc>) create a Self Client, then
                Generate Code with the Desk scopes you need (e.g. Desk.tickets.ALL,Desk.basic.READ,
                Desk.settings.READ). The code is valid for a few minutes and works once.
                Anything not given as an option is asked for; secrets are read without echo.
                """)

        @OptionGroup var common: Common

        @Option(name: .long, help: "Data centre: \(DataCenter.names) (default: $ZOHO_DC or com).")
        var dc: String?

        @Option(name: .long, help: "OAuth client id (default: $ZOHO_CLIENT_ID).")
        var clientId: String?

        @Option(name: .long, help: "OAuth client secret (prefer the prompt or $ZOHO_CLIENT_SECRET: options show up in `ps`).")
        var clientSecret: String?

        @Option(name: .long, help: "Self Client grant code (prompted without echo when omitted).")
        var code: String?

        @Option(name: .long, help: "Desk organisation id to remember (skips discovery when several orgs exist).")
        var org: String?

        @Option(name: .long, help: ArgumentHelp("Accounts server override (proxies, simulator).", valueName: "url"))
        var accountsURL: String?

        @Option(name: .long, help: ArgumentHelp("Desk API base URL override (proxies, simulator).", valueName: "url"))
        var apiURL: String?

        @Option(name: .long, help: ArgumentHelp("Calls in flight at once for this profile (1–25; default: the org's edition limit, else 5).", valueName: "n"))
        var concurrency: Int?

        func run() async throws {
            let env = ProcessInfo.processInfo.environment
            let dcName = dc ?? env["ZOHO_DC"].flatMap { $0.isEmpty ? nil : $0 }
                ?? Prompt.line("Data centre [\(DataCenter.names)] (com): ") ?? "com"
            guard let dataCenter = DataCenter(name: dcName.isEmpty ? "com" : dcName) else {
                throw ValidationError("unknown data centre '\(dcName)'; use one of: \(DataCenter.names)")
            }
            guard let id = clientId ?? env["ZOHO_CLIENT_ID"].flatMap({ $0.isEmpty ? nil : $0 }) ?? Prompt.line("Client id: "),
                  !id.isEmpty else { throw ValidationError("a client id is required (--client-id or ZOHO_CLIENT_ID)") }
            guard let secret = clientSecret ?? env["ZOHO_CLIENT_SECRET"].flatMap({ $0.isEmpty ? nil : $0 })
                    ?? Prompt.secret("Client secret: "), !secret.isEmpty
            else { throw ValidationError("a client secret is required (prompt, or ZOHO_CLIENT_SECRET)") }
            guard let grant = code ?? Prompt.secret("Grant code: "), !grant.isEmpty else {
                throw ValidationError("a grant code is required (--code, or the prompt)")
            }

            let transport = HTTPTransport.shared
            try await AuthCommand.reportingErrors {
                if let concurrency { _ = try ConcurrencySetting.validate(concurrency, from: "--concurrency") }
                let store = try common.openStore()
                let service = AuthService(store: store, transport: transport, log: common.log)
                let status = try await service.login(.init(
                    profile: common.profileName, dataCenter: dataCenter, clientId: id, clientSecret: Secret(secret),
                    code: Secret(grant.trimmingCharacters(in: .whitespacesAndNewlines)), accountsURL: accountsURL,
                    apiURL: apiURL, orgId: org))
                if let concurrency {
                    try await store.update(profile: common.profileName, with: ProfileUpdate(concurrency: concurrency))
                }
                print("Logged in.\n\(status)")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the profile: data centre, org, portal, scopes, token expiry (never a secret).")

        @OptionGroup var common: Common

        func run() async throws {
            try await AuthCommand.reportingErrors {
                let service = AuthService(store: try common.openStore(), transport: NoNetwork(), log: common.log)
                print(try await service.status(profile: common.profileName))
            }
        }
    }

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke the profile's refresh token at Zoho and forget the profile.")

        @OptionGroup var common: Common

        func run() async throws {
            let transport = HTTPTransport.shared
            try await AuthCommand.reportingErrors {
                let service = AuthService(store: try common.openStore(), transport: transport, log: common.log)
                if let warning = try await service.logout(profile: common.profileName) {
                    FileHandle.standardError.write(Data("zdsh: warning: \(warning)\n".utf8))
                }
                print("Logged out of profile '\(common.profileName)'.")
            }
        }
    }

    struct Profiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored profiles.")

        @OptionGroup var common: Common

        func run() async throws {
            try await AuthCommand.reportingErrors {
                let names = try await AuthService(store: try common.openStore(), transport: NoNetwork()).profiles()
                print(names.isEmpty ? "(no profiles; run `zdsh auth login`)" : names.joined(separator: "\n"))
            }
        }
    }

    /// Desk errors are printed (they are written for people and carry no
    /// secrets) and exit with 5, zdsh's code for Zoho API errors.
    static func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as DeskError {
            FileHandle.standardError.write(Data("zdsh: \(error)\n".utf8))
            throw ExitCode(5)
        }
    }
}

/// For subcommands that must not touch the network.
private struct NoNetwork: Transport {
    func send(_ request: WireRequest) async throws -> WireResponse {
        throw TransportError.cannotConnect("this command does not use the network")
    }
}

/// Terminal input. Prompts only on a TTY; secrets are read without echo.
private enum Prompt {
    static var interactive: Bool { isatty(STDIN_FILENO) != 0 }

    static func line(_ prompt: String) -> String? {
        guard interactive else { return nil }
        FileHandle.standardError.write(Data(prompt.utf8))
        return readLine()?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func secret(_ prompt: String) -> String? {
        guard interactive else { return nil }
        guard let raw = getpass(prompt) else { return nil }
        let value = String(cString: raw)
        // getpass returns a static buffer: wipe it once copied.
        memset(raw, 0, strlen(raw))
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
