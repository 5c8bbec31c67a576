import DeskCatalog
import Foundation

/// `zdsh check` for one file: syntax by the system Lua's parser, then what
/// the scan shows — names resolved against the catalog, literal arguments
/// through the gate's binder, reachable operations against the runbook's
/// declaration, and parameters read against those declared.
package struct RunbookChecker {
    private let syntax: SyntaxCheck

    package init() throws { syntax = try SyntaxCheck() }

    /// Scenario files (`*_test.lua`) declare no runbook: their names and
    /// arguments are checked, not their reach.
    package static func isScenario(_ file: String) -> Bool { file.hasSuffix("_test.lua") }

    package func check(file: String, bytes: [UInt8]) -> [CheckDiagnostic] {
        let tokens = LuaTokenizer.tokens(bytes)
        if let e = syntax.error(in: bytes, file: file) {
            let column = SyntaxCheck.column(of: e.message, line: e.line, tokens: tokens)
            return [CheckDiagnostic(file: file, line: e.line, column: column, severity: .error, message: "syntax error: \(e.message)")]
        }
        let scan = RunbookScan(tokens: tokens)
        var report = Report(file: file)
        var calls: [StaticCall] = []
        // Calls made in a required module are out of sight: declared operations may be reached there.
        var reachUnknown = tokens.indices.contains { tokens[$0].text == "require" && tokens[$0].kind == .name }
        for reference in scan.references {
            switch BindingTree.shared.resolve(reference.path) {
            case .missing(let message, let segment):
                if segment >= reference.fromAlias {
                    report.error(at: reference.segments[segment].token, message)
                }
            case .binding(let b, _):
                let name = reference.path.joined(separator: ".")
                if let call = StaticCall.binding(b, calledAs: name, arguments: reference.arguments, token: reference.token) {
                    calls.append(call)
                }
            case .operation(let op):
                calls.append(.api(op, arguments: reference.arguments, token: reference.token))
            case .helper("request"):
                if let call = StaticCall.request(arguments: reference.arguments, token: reference.token) {
                    calls.append(call)
                } else if reference.arguments != nil || reference.fromAlias > 0 {
                    reachUnknown = true
                }
            case .opaque:
                reachUnknown = reachUnknown || reference.dynamicIndex
            case .helper, .namespace:
                break
            }
        }
        for call in calls {
            if let e = call.argumentError { report.error(at: e.token, e.message) }
        }
        if Self.isScenario(file) { ScenarioRunCheck.check(scan, file: file, into: &report) }
        RecordFields.check(tokens: tokens, references: scan.references, into: &report)
        if let declaration = scan.declaration, !Self.isScenario(file) {
            let spec = DeclaredOperations(declaration.spec)
            spec.compare(calls: calls, reachUnknown: reachUnknown, into: &report)
            DeclaredParameters(declaration.spec).compare(scan, into: &report)
        }
        return report.diagnostics.sorted()
    }

    /// The findings of one file.
    struct Report {
        let file: String
        var diagnostics: [CheckDiagnostic] = []

        mutating func error(at token: SourceToken, _ message: String) {
            add(CheckDiagnostic(file: file, at: token, .error, message))
        }

        mutating func warning(at token: SourceToken, _ message: String) {
            add(CheckDiagnostic(file: file, at: token, .warning, message))
        }

        private mutating func add(_ d: CheckDiagnostic) {
            if !diagnostics.contains(d) { diagnostics.append(d) }
        }
    }
}
