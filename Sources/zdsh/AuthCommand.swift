import ArgumentParser
import CommandOptions
import DeskCore
import Foundation
import JSONValue
import LuaHost
import Runbooks
import ShellCore

/// `zdsh auth login|status|logout|profiles`. Thin: the work is in
/// `DeskCore.AuthService`; this file only gathers input and prints results.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Log in to Zoho Desk, show the stored connection, or log out.",
        subcommands: [Login.self, Status.self, Logout.self, Profiles.self, Use.self],
        defaultSubcommand: Status.self)

    /// Options every auth subcommand shares.
    struct Common: ParsableArguments {
        @Option(name: .long, help: "Profile name (default: $ZDSH_PROFILE, else the one `zdsh auth use` chose, else 'default').")
        var profile: String?

        @Option(name: .long, help: ArgumentHelp("Connection store path.", valueName: "path"))
        var store: String?

        @Flag(name: .shortAndLong, help: "Show each HTTP request and response on stderr (also ZDSH_DEBUG=1).")
        var verbose = false

        var profileName: String { profileChoice.name }

        /// `--profile`, then ZDSH_PROFILE, then the current profile (kept beside the store), then `default`.
        var profileChoice: (name: String, source: ProfileSource) {
            if let profile { return (profile, .flag) }
            if let env = ProcessInfo.processInfo.environment["ZDSH_PROFILE"], !env.isEmpty { return (env, .environment) }
            if let current = currentProfile.read() { return (current, .current) }
            return ("default", .fallback)
        }

        var currentProfile: CurrentProfile { CurrentProfile(besideStore: store ?? SQLiteTokenStore.defaultPath()) }

        /// Opened on a thread of its own: opening may wait for another
        /// process creating the store, which must not hold a pool thread.
        func openStore() async throws -> SQLiteTokenStore {
            let path = store ?? SQLiteTokenStore.defaultPath()
            return try await OffPool.run(name: "zdsh.store") { try SQLiteTokenStore(path: path) }
        }

        var log: RequestLogSink {
            verbose || StderrLogSink.isRequested() ? StderrLogSink() : SilentLogSink()
        }
    }

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "login",
            abstract: "Exchange a Self Client grant code for a refresh token and store it.",
            discussion: """
                In the Zoho API console (api-console.zoho.<dc>) create a Self Client, then
                Generate Code with the Desk scopes you need (e.g. Desk.tickets.ALL,Desk.basic.READ,
                Desk.settings.READ). The code is valid for a few minutes and works once.
                Anything not given as an option is asked for; secrets are read without echo.
                Ctrl-C (exit 130) or Ctrl-D (exit 1) at any prompt aborts without storing anything.
                --api-url and --accounts-url are stored in the profile, so later commands
                using it go there too: rehearse with `zdsh sim serve`, which prints a grant code.
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

        @OptionGroup var endpoints: EndpointOptions

        @Option(name: .long, help: ArgumentHelp("Calls in flight at once for this profile (1–25; default: the org's edition limit, else 5).", valueName: "n"))
        var concurrency: Int?

        // Checked before any question is asked, as a usage error (exit 2).
        func validate() throws {
            guard let concurrency else { return }
            do { _ = try ConcurrencySetting.validate(concurrency, from: "--concurrency") } catch let e as DeskError {
                throw ValidationError(e.message)
            }
        }

        func run() async throws {
            // Questions on the terminal wait for a person: on a thread of their own, not the pool's.
            let answers = try await OffPool.run(name: "zdsh.login") { try LoginQuestions(login: self).ask() }
            let transport = HTTPTransport.shared
            try await AuthCommand.reportingErrors {
                let store = try await common.openStore()
                let service = AuthService(store: store, transport: transport, log: common.log)
                let status = try await service.login(.init(
                    profile: common.profileName, dataCenter: answers.dataCenter, clientId: answers.clientId,
                    clientSecret: answers.clientSecret, code: answers.code,
                    accountsURL: endpoints.value.accountsURL, apiURL: endpoints.value.apiURL, orgId: org))
                if let concurrency {
                    try await store.update(profile: common.profileName, with: ProfileUpdate(concurrency: concurrency))
                }
                print("Logged in.\n\(status)")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the profile: data centre, org, portal, scopes, token expiry (never a secret).")

        @OptionGroup var common: Common

        @Flag(name: .long, help: "Print as JSON.")
        var json = false

        func run() async throws {
            try await AuthCommand.reportingErrors(json: json) {
                let service = AuthService(store: try await common.openStore(), transport: NoNetwork(), log: common.log)
                let choice = common.profileChoice
                // Named on the command line: that profile, or an error.
                guard choice.source != .flag else {
                    let status = try await service.status(profile: choice.name)
                    if json { CommandOutput.document(status.json) } else { print(status) }
                    return
                }
                let report = try await AuthStatusReport.gather(service: service, current: choice.name, source: choice.source)
                // Nothing stored at all: not logged in, as before.
                if report.statuses.isEmpty { _ = try await service.status(profile: choice.name) }
                if json { CommandOutput.document(report.json) } else { print(report.text) }
            }
        }
    }

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logout",
            abstract: "Revoke the profile's refresh token at Zoho and forget the profile.")

        @OptionGroup var common: Common

        func run() async throws {
            let transport = HTTPTransport.shared
            try await AuthCommand.reportingErrors {
                let service = AuthService(store: try await common.openStore(), transport: transport, log: common.log)
                if let warning = try await service.logout(profile: common.profileName) {
                    FileHandle.standardError.write(Data("zdsh: warning: \(warning)\n".utf8))
                }
                print("Logged out of profile '\(common.profileName)'.")
            }
        }
    }

    struct Profiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "profiles", abstract: "List stored profiles.")

        @OptionGroup var common: Common

        @Flag(name: .long, help: "Print one JSON array of names.")
        var json = false

        func run() async throws {
            try await AuthCommand.reportingErrors(json: json) {
                let names = try await AuthService(store: try await common.openStore(), transport: NoNetwork()).profiles()
                if json { return CommandOutput.document(.array(names.map(JSON.string))) }
                // The current one marked, as kubectl marks the current context.
                let current = common.profileName
                print(names.isEmpty ? "(no profiles; run `zdsh auth login`)"
                      : names.map { ($0 == current ? "* " : "  ") + Terminal.visible($0) }.joined(separator: "\n"))
            }
        }
    }

    /// Desk errors are printed (they are written for people and carry no
    /// secrets) and exit with 5, zdsh's code for Zoho API errors.
    static func reportingErrors(json: Bool = false, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as DeskError {
            if json {
                ErrorDocument.from(thrown: error, code: .apiError).emit()
            } else {
                // Its hint on a line of its own; a server's text escaped.
                for line in error.lines { Terminal.error("zdsh: \(Terminal.visible(line))") }
            }
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
