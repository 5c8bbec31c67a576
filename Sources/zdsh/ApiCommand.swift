import ArgumentParser
import DeskCatalog
import Foundation
import JSONValue
import Shell

struct ApiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Browse the Zoho Desk operations zdsh knows (all 706, from Zoho's OpenAPI description).",
        subcommands: [List.self, Show.self, Aliases.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operations whose names match PATTERN.")

        @Argument(help: "Substring or glob (*) matched against operationIds, friendly names and paths.")
        var pattern: String?

        @Flag(name: .long, help: "Only destructive operations (denied unless allowed).")
        var destructive = false

        @Flag(name: .long, help: "Print as JSON.")
        var json = false

        func run() throws {
            let needle = pattern?.lowercased()
            let glob = try needle.flatMap { $0.contains("*") ? try Policy.Pattern($0) : nil }
            var rows: [[String]] = []
            for op in Catalog.shared.operations {
                if destructive && op.safety != .destructive { continue }
                let names = OperationNames.names(of: op.id)
                if let needle {
                    let hay = names + [op.path]
                    let hit = glob.map { g in hay.contains { g.matches($0) || g.matches($0.lowercased()) } }
                        ?? hay.contains { $0.lowercased().contains(needle) }
                    if !hit { continue }
                }
                rows.append([op.safety.rawValue, op.method, op.path, OperationNames.preferred(op.id), op.id])
            }
            if json {
                print(JSON.array(rows.map { r in
                    ["safety": .string(r[0]), "method": .string(r[1]), "path": .string(r[2]), "name": .string(r[3]), "operation": .string(r[4])]
                }).encoded(.pretty))
                return
            }
            let w = [12, 6, min(60, rows.map { $0[2].count }.max() ?? 10)]
            for r in rows {
                print(r[0].padding(toLength: w[0], withPad: " ", startingAt: 0) + r[1].padding(toLength: w[1] + 1, withPad: " ", startingAt: 0)
                      + r[2].padding(toLength: w[2] + 2, withPad: " ", startingAt: 0) + r[3])
            }
            FileHandle.standardError.write(Data("\(rows.count) operation\(rows.count == 1 ? "" : "s")\n".utf8))
        }
    }

    struct Aliases: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The earlier Python client's method names: what they called, and the real endpoint zdsh calls.")

        func run() throws { print(FriendlyNames.aliasTableMarkdown(), terminator: "") }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one operation: method, path, arguments, scopes, safety, aliases.")

        @Argument(help: "A binding (desk.profiles.delete), alias (delete_profile), desk.api.<id> or operationId.")
        var name: String

        func run() throws {
            guard let text = ApiHelp.describe(name) else {
                throw ValidationError("no operation or binding named \(name) (try: zdsh api list \(name.split(separator: ".").last ?? ""))")
            }
            print(text)
        }
    }
}
