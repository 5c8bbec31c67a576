import Foundation
import MCP

/// Progress notifications for a run whose request carried a progressToken:
/// one a second while it runs, counting the API calls it made (a runbook or
/// `desk.each` over many records shows it is moving, and how far).
struct ProgressReporter: Sendable {
    let server: Server

    func start(token: ProgressToken?, handle: RunHandle) -> Task<Void, Never>? {
        guard let token else { return nil }
        let server = self.server
        return Task {
            var tick = 0.0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                tick += 1
                let calls = handle.callsSoFar
                let params = ProgressNotification.Parameters(progressToken: token, progress: tick,
                                                             message: "running for \(Int(tick)) s, \(calls) API call\(calls == 1 ? "" : "s") so far")
                try? await server.notify(ProgressNotification.message(params))
            }
        }
    }
}
