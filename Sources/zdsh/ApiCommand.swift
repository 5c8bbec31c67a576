import ArgumentParser
import CommandOptions
import DeskCatalog
import DeskGate
import Foundation
import JSONValue
import Runbooks
import ShellCore

struct ApiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Browse the Zoho Desk operations zdsh knows (all 706, from Zoho's OpenAPI description).",
        subcommands: [List.self, Show.self, Aliases.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List operations, or find them by words (QUERY).")

        @Argument(help: "Words to find (names, paths, parameter names, their values; matches as written first), or a glob (*) over names and paths.")
        var pattern: String?

        @Flag(name: .long, help: "Only operations that are destructive, as such or under some arguments (denied unless allowed).")
        var destructive = false

        @Flag(name: .long, help: "Only operations that send or publish to people outside the org (replies, invitations, community posts), as such or under some arguments: each needs its own --allow.")
        var notify = false

        @Flag(name: .long, help: "Print as JSON.")
        var json = false

        @OptionGroup var colour: ColorOptions

        func run() throws {
            // Best first: matches as written, then the catalog search (see ApiListQuery).
            let operations = try pattern.map { try ApiListQuery(text: $0).operations() } ?? Catalog.shared.operations
            var rows: [[String]] = []
            for op in operations {
                if destructive && !op.mayBeDestructive { continue }
                if notify && !op.mayNotify { continue }
                rows.append([op.notifies ? "notify" : op.safety.rawValue, op.method, op.path, OperationNames.preferred(op.id), op.id, ApiCommand.effects(op)])
            }
            if json {
                CommandOutput.document(JSON.array(rows.map { r in
                    var o: [String: JSON] = ["safety": .string(r[0]), "method": .string(r[1]), "path": .string(r[2]),
                                             "name": .string(r[3]), "operation": .string(r[4])]
                    if let op = Catalog.shared.operation(id: r[4]) {
                        o["unbounded"] = .bool(op.unbounded)
                        o["notify"] = .bool(op.notifies)
                        o["effectRules"] = .array(op.effectRules.map { rule in
                            ["id": .string(rule.id), "when": .string(rule.condition.description),
                             "safety": .string(rule.notifies ? "notify" : rule.safety.rawValue), "unbounded": .bool(rule.unbounded),
                             "reason": .string(rule.reason)]
                        })
                    }
                    return .object(o)
                }))
                return
            }
            // Every column as wide as its widest cell: a long path never pushes a name out of line.
            let w = [12, 6, rows.map { $0[2].count }.max() ?? 10]
            let paint = colour.colour
            for r in rows {
                let safety = Safety(rawValue: r[0]) ?? (r[0] == "notify" ? .destructive : .read)
                print(paint.safety(r[0].padding(toLength: w[0], withPad: " ", startingAt: 0), safety) + r[1].padding(toLength: w[1] + 1, withPad: " ", startingAt: 0)
                      + r[2].padding(toLength: w[2] + 2, withPad: " ", startingAt: 0) + r[3] + r[5])
            }
            FileHandle.standardError.write(Data("\(rows.count) operation\(rows.count == 1 ? "" : "s")\n".utf8))
        }
    }

    /// "  (unbounded; destructive if body.status in DISABLED)", or nothing.
    static func effects(_ op: DeskCatalog.Operation) -> String {
        let notes = (op.unbounded ? ["unbounded"] : []) + op.effectRules.map(op.effectNote(for:))
        return notes.isEmpty ? "" : "  (" + notes.joined(separator: "; ") + ")"
    }

    struct Aliases: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aliases",
            abstract: "The earlier Python client's method names: what they called, and the real endpoint zdsh calls.")

        @Flag(name: .long, help: "Print one JSON array of the aliases.")
        var json = false

        func run() throws {
            guard json else { return print(FriendlyNames.aliasTableMarkdown(), terminator: "") }
            CommandOutput.document(.array(FriendlyNames.all.compactMap { b -> JSON? in
                guard let a = b.alias else { return nil }
                var o: [String: JSON] = ["name": .string(a.oldName), "old_call": .string(a.oldPath), "use_instead": .string(a.replacement)]
                if let unsupported = a.unsupported {
                    o["unsupported"] = .string(unsupported)
                } else if let op = Catalog.shared.operation(id: b.operationId) {
                    o["method"] = .string(op.method); o["path"] = .string(op.path); o["operation"] = .string(op.id)
                }
                return .object(o)
            }))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one operation: method, path, arguments, scopes, safety, aliases.")

        @Argument(help: "A binding (desk.profiles.delete), alias (delete_profile), desk.api.<id> or operationId.",
                  completion: ValueCompletions.operations)
        var name: String

        @Flag(name: .long, help: "Print as JSON.")
        var json = false

        func run() throws {
            guard let text = ApiHelp.describe(name), let data = ApiHelp.json(name) else {
                let hint = OperationNames.hint(for: name).map { "; \($0)" } ?? ""
                throw ValidationError("no operation or binding named \(Terminal.visible(name))\(hint) (try: zdsh api list \(Terminal.visible(String(name.split(separator: ".").last ?? ""))))")
            }
            if json { CommandOutput.document(data) } else { print(text) }
        }
    }
}
