import ArgumentParser
import Runbooks
import ShellCore

/// How results are shown: `-o table|json|text` (kubectl's `-o`) and colour.
struct OutputOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Result format: \(OutputFormat.help).", valueName: "format"))
    var output: String?

    func format() throws -> OutputFormat? {
        guard let output else { return nil }
        do { return try OutputFormat(parsing: output) } catch { throw ValidationError("\(error)") }
    }

    func validate() throws { _ = try format() }

    /// Fills in the runner's options; `-o json` is `--json`.
    func apply(to options: inout Runner.Options) throws {
        let format = try format()
        if format == .json { options.json = true } else { options.output = format }
    }
}

/// `--color auto|always|never`.
struct ColorOptions: ParsableArguments {
    @Option(name: .customLong("color"), help: ArgumentHelp("Colour: auto (on a terminal, unless NO_COLOR or TERM=dumb), always or never.", valueName: "when"))
    var color: Colour.Mode = .auto

    var colour: Colour { Colour(mode: color) }
}

extension Colour.Mode: ExpressibleByArgument {}
