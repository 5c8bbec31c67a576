import DeskGate
import Foundation
import JSONValue
import LuaHost
import Runbooks
import ShellCore

/// `zdsh repl`: an interactive Lua session over one Desk backend.
///
/// Every input runs in the same sandboxed state through the same call gate
/// as runbooks (policy, caps, dry-run, audit, limits per input); globals
/// persist between inputs and top-level `local`s are kept too (see
/// `TopLevelLocals`). Expressions print without `return`; `_` is the last
/// result. Incomplete chunks continue on a `>>` prompt. Without a terminal
/// on stdin it reads the same way with no prompts or colours.
package final class Repl {
    package struct Options {
        /// Read with libedit and show prompts (stdin is a terminal).
        package var interactive = isatty(STDIN_FILENO) != 0
        /// Colour keys and errors (stdout is a terminal too).
        package var colour = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
        package var historyPath: String? = EditLineInput.defaultHistoryPath()
        package var limits = Limits.defaults
        package var auditPath: String?
        /// Print results as JSON instead of the human layout.
        package var json = false
        /// Ask y/N before destructive calls nothing allows (false: `--yes`,
        /// only grants decide).
        package var askBeforeDestructive = true
        /// Folders uploads may read from (`--files-dir`).
        package var filesDirs: [String] = []
        package init() {}
    }

    let session: Session
    let backend: Backend
    let options: Options
    private(set) var input: LineInput = PipeInput()
    let printer: ReplPrinter
    var sessionNames = Set<String>()
    var finished = false

    package var gate: CallGate { session.gate }

    package init(backend: Backend, policy: Policy, settings: CallGate.Settings, options: Options) throws {
        self.backend = backend
        self.options = options
        var recipe = SessionRecipe(client: backend.client, policy: policy)
        recipe.settings = settings
        // The REPL asks before each ungranted destructive call (askWhenUngranted),
        // not once per session.
        recipe.settings.confirm = nil
        recipe.settings.auditContext = AuditContext.base(runId: "repl-" + UUID().uuidString.prefix(8).lowercased(), backend: backend)
        recipe.settings.auditContext["repl"] = true
        recipe.audit = try AuditLog(path: options.auditPath ?? (backend.simulator != nil ? AuditLog.simulatorPath() : AuditLog.defaultPath()))
        recipe.limits = options.limits
        recipe.moduleFolders = [FileManager.default.currentDirectoryPath]
        recipe.filesDirs = options.filesDirs
        recipe.output = RunbookOutput.write
        recipe.rawOutput = RunbookOutput.write(bytes:)
        session = try Session(recipe)
        printer = ReplPrinter(colour: options.colour)
        try ReplLibrary.install(on: session.host)
        if options.interactive {
            let host = session.host
            let completer = Completer(globals: { ReplLibrary.names(host: host, path: $0) },
                                      sessionNames: { [unowned self] in Array(self.sessionNames) })
            input = EditLineInput(historyPath: options.historyPath, completer: completer)
            if options.askBeforeDestructive {
                // Asked on the Lua thread while this REPL's thread waits for the
                // input's run to end: the two never use the REPL at the same time.
                nonisolated(unsafe) unowned let repl = self
                session.gate.adjust { _, settings in
                    settings.askWhenUngranted = { question in repl.confirm(question) }
                    if settings.confirmWrites != nil {
                        settings.confirmWrites = { text in repl.confirmWrites(text) }
                    }
                }
            }
        }
    }

    // MARK: - The loop

    /// Reads and runs inputs until end of input or `:quit`.
    package func run() -> ExitStatus {
        InterruptSignal.install(for: session.host)
        defer { InterruptSignal.uninstall() }
        if options.interactive {
            let where_ = backend.simulator != nil ? "the built-in simulator (demo org)" : "profile \(backend.profile)"
            out("zdsh \(LuaHost.luaRelease) on \(where_)\(gate.settings.dryRun ? ", dry-run" : ""). :help for commands, Ctrl-D to exit.")
        }
        var status = ExitStatus.ok
        while !finished {
            _ = InterruptSignal.take()
            guard let firstBytes = input.readBytes(prompt: options.interactive ? "zdsh> " : "") else {
                if input.takeInterrupt() || InterruptSignal.take() { out(""); continue }  // Ctrl-C at the prompt: a fresh line
                break
            }
            let trimmed = String(decoding: firstBytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix(":") {
                input.remember(trimmed)
                command(trimmed)
                continue
            }
            var lines = [firstBytes]
            while true {
                let chunk = Array(lines.joined(separator: [10]))
                let outcome = evaluate(chunk)
                if case .incomplete(let message) = outcome {
                    guard let more = input.readBytes(prompt: options.interactive ? ">> " : "") else {
                        if input.takeInterrupt() || InterruptSignal.take() { out(""); break }  // Ctrl-C abandons the chunk
                        error(message)
                        status = .luaError
                        break
                    }
                    lines.append(more)
                    continue
                }
                input.remember(chunk)
                if case .failed(let s) = outcome { status = s }
                break
            }
        }
        if options.interactive { out("") }
        // Scripted: non-zero (the last failure's status) if any input failed.
        return options.interactive ? .ok : status
    }

    enum Outcome {
        case ok
        case failed(ExitStatus)
        /// Lua stopped at end of input: read another line.
        case incomplete(String)
    }

    /// Runs one chunk: as an expression first (`return <chunk>`, like lua.c),
    /// else as statements with top-level `local`s kept.
    func evaluate(_ chunk: [UInt8]) -> Outcome {
        let expression = Array("return \(ReplLibrary.global).keep(".utf8) + chunk + Array("\n)".utf8)
        switch session.run(LuaSource(bytes: expression, name: "=stdin")) {
        case .success(let values):
            show(values)
            return .ok
        case .failure(.syntax):
            break  // not an expression
        case .failure(let e):
            return .failed(report(e))
        }
        let rewritten = TopLevelLocals.rewrite(chunk)
        switch session.run(LuaSource(bytes: rewritten.bytes, name: "=stdin")) {
        case .success(let values):
            sessionNames.formUnion(rewritten.declared)
            show(values)
            return .ok
        case .failure(.syntax(let m)) where m.hasSuffix("<eof>"):
            return .incomplete(m)
        case .failure(let e):
            // Globals assigned before the error still exist: offer them.
            sessionNames.formUnion(rewritten.declared)
            return .failed(report(e))
        }
    }

    private func show(_ values: [RunValue]) {
        guard !values.isEmpty else { return }
        if options.json { out(ValueFormatter.machine(values)); return }
        let scalars = values.allSatisfy {
            if case .json(let j) = $0 { if case .array(let a) = j { return a.isEmpty }; if case .object(let o) = j { return o.isEmpty } }
            return true
        }
        let text = scalars ? values.map { printer.render($0) }.joined(separator: "\t")
                           : values.map(compact).joined(separator: "\n\n")
        // A long result pages on a terminal, as `git log` does.
        Pager.write(Self.bounded(text, bytes: options.limits.maxOutput) + "\n") { out(String($0.dropLast())) }
    }

    /// A result shown within `--max-output`, cut on a character boundary with a mark.
    static func bounded(_ text: String, bytes limit: Int) -> String {
        guard limit > 0, text.utf8.count > limit else { return text }
        var cut = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while cut > text.startIndex, cut.samePosition(in: text) == nil { cut = text.utf8.index(before: cut) }
        return String(text[..<cut]) + "\n… [truncated: output limit of \(limit / 1024) KB reached]"
    }

    private func report(_ e: LuaError) -> ExitStatus {
        // An error is output like a value: within what the line may still write.
        var budget = ErrorBudget(session.host.resultBudget)
        switch budget.bound(e) {
        case .syntax(let m):
            error(Terminal.visible(m)); return .luaError
        case .runtime(let m, _, let value):
            // `.object`: an error the host raised; a Lua-built look-alike is `.table`.
            if case .object(let o) = value, o["zdsh_error"] == "denied" { error(Terminal.visible(m)); return .denied }
            if case .object(let o) = value, o["zdsh_error"] == "api" { error(Terminal.messageText(m, value: value)); return .apiError }
            if case .object(let o) = value, o["zdsh_error"] == "invalid" { error(Terminal.visible(m)); return .usage }
            error(Terminal.visible(m)); return .luaError
        case .limit(let kind, let m):
            error(kind == .interrupt ? "interrupted" : "stopped: \(Terminal.visible(m))")
            return kind == .host ? .denied : .limit
        case .host(let m):
            error("zdsh: \(m)"); return .luaError
        }
    }

    /// Piped input: the write that takes the session past the threshold is refused.
    package static let refuseWritesWithoutTerminal: @Sendable (String) -> Bool = { text in
        Terminal.error("zdsh: refusing: \(text); there is no terminal to confirm on, so pass --yes (with --max-writes N to cap the records)")
        return false
    }

    /// The y/N question at the write that takes the session past the threshold.
    private func confirmWrites(_ text: String) -> Bool {
        out(Terminal.visible("About to write past \(CallGate.Settings.writeConfirmationThreshold) records: \(text)", multiline: true))
        _ = InterruptSignal.take()
        guard let answer = input.read(prompt: "Proceed? [y/N]: ") else { out(""); return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The y/N question before an unallowed destructive call.
    /// y: this call; a: every call of this operation for the rest of the
    /// session (as :allow would); anything else: no.
    private func confirm(_ question: CallGate.UngrantedQuestion) -> CallGate.Answer {
        let reset = isatty(STDOUT_FILENO) != 0 ? Terminal.resetAttributes : ""
        out(reset + colourise(Terminal.visible(question.text, multiline: true), "33"))
        _ = InterruptSignal.take()
        // Lines pasted or typed ahead were meant as code, not as this answer.
        if input.isInteractive { TerminalPrompt.discardTypedAhead() }
        guard let answer = input.read(prompt: "Proceed? [y]es once, [a]ll \(question.grant) calls this session, [N]o: ") else { out(""); return .no }
        switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
        case "y", "yes": return .once
        case "a", "all":
            out("allowed for this session: \(question.grant) (:deny \(question.grant) takes it back)")
            return .always
        default: return .no
        }
    }

    // MARK: - Output

    func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func error(_ line: String) {
        let reset = isatty(STDERR_FILENO) != 0 ? Terminal.resetAttributes : ""
        FileHandle.standardError.write(Data((reset + colourise(Terminal.visible(line, multiline: true), "31") + "\n").utf8))
    }

    func colourise(_ s: String, _ code: String) -> String {
        options.colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
