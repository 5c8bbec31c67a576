import ArgumentParser
import DeskCore

/// `--api-url` and `--accounts-url`, like the AWS CLI's `--endpoint-url`:
/// send a profile's calls to `zdsh sim serve` or an HTTPS proxy instead of
/// Zoho's hosts. Shared by auth login, run, eval, repl and apply.
package struct EndpointOptions: ParsableArguments {
    package init() {}

    @Option(name: .customLong("api-url"),
            help: ArgumentHelp("Desk API base URL instead of the data centre's (https://, or http://127.0.0.1 / localhost; also $ZDSH_API_URL).",
                               valueName: "url"))
    var apiURL: String?

    @Option(name: .customLong("accounts-url"),
            help: ArgumentHelp("Accounts (OAuth) server instead of the data centre's (https://, or http://127.0.0.1 / localhost; also $ZDSH_ACCOUNTS_URL).",
                               valueName: "url"))
    var accountsURL: String?

    /// The checked URLs (run after `validate`, so they are known good).
    package var value: Endpoints {
        Endpoints(apiURL: apiURL.flatMap { try? Endpoints.checked($0, source: "--api-url") },
                  accountsURL: accountsURL.flatMap { try? Endpoints.checked($0, source: "--accounts-url") })
    }

    package func validate() throws {
        for (flag, given) in [("--api-url", apiURL), ("--accounts-url", accountsURL)] {
            guard let given else { continue }
            do {
                _ = try Endpoints.checked(given, source: flag)
            } catch let error as DeskError {
                throw ValidationError(error.description)
            }
        }
    }
}
