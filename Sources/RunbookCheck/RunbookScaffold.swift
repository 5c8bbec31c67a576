import Foundation
import ShellCore

/// `zdsh new runbook NAME` / `zdsh new scenario NAME`: a runbook with its
/// declaration, parameters and main, a scenario test with its own fixture,
/// and the editor and luacheck settings that point at zdsh's types and std.
/// What it writes passes `zdsh check` and `zdsh test` as it is.
package enum RunbookScaffold {
    /// A runbook name: a Lua-file-friendly word (letters, digits, `_`, `-`).
    package static func validate(_ name: String) throws {
        guard let first = name.first, first.isLetter, name.count <= 64,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw UsageError("zdsh new: '\(Terminal.visible(name))' is not a runbook name (a letter, then letters, digits, _ or -; at most 64)")
        }
    }

    /// The files to write for `kind` ("runbook" or "scenario"), by path relative to the folder.
    package static func files(kind: String, name: String, stdlib: String) throws -> [(path: String, text: String)] {
        try validate(name)
        var out: [(String, String)] = []
        switch kind {
        case "runbook": out = [("\(name).lua", runbook(name)), ("\(name)_test.lua", scenario(name))]
        case "scenario": out = [("\(name)_test.lua", scenario(name))]
        default: throw UsageError("zdsh new: unknown kind '\(Terminal.visible(kind))' (use runbook or scenario)")
        }
        return out + [(".luarc.json", luarc(stdlib: stdlib)), (".luacheckrc", luacheckrc(stdlib: stdlib))]
    }

    /// Writes the files into `folder`; an existing runbook or test is never
    /// overwritten, existing editor settings are kept. Returns what was written.
    package static func write(kind: String, name: String, into folder: String, stdlib: String) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        for (path, _) in try files(kind: kind, name: name, stdlib: stdlib) {
            let full = (folder as NSString).appendingPathComponent(path)
            if fm.fileExists(atPath: full) {
                if path.hasPrefix(".") { continue }
                throw UsageError("zdsh new: \(Terminal.visible(full)) already exists; nothing written")
            }
            written.append(full)
        }
        for (path, text) in try files(kind: kind, name: name, stdlib: stdlib) {
            let full = (folder as NSString).appendingPathComponent(path)
            guard written.contains(full) else { continue }
            try Data(text.utf8).write(to: URL(fileURLWithPath: full), options: .withoutOverwriting)
        }
        return written
    }

    static func runbook(_ name: String) -> String {
        """
        -- \(name): written by `zdsh new runbook`; say here what it does and when to run it.
        -- Check it with `zdsh check`, try it with `zdsh test` (\(name)_test.lua), then
        -- `zdsh run \(name).lua --param department=… --dry-run`.
        return runbook {
          name = "\(name)",
          description = "Move a department's tickets in one status to the trash.",
          params = {
            department = { type = "id", required = true, description = "Department id" },
            status     = { type = "string", default = "Closed", description = "Tickets in this status are trashed" },
          },
          -- Every destructive operation main may call; `zdsh run` needs --allow for each.
          destructive = { "desk.tickets.move_to_trash" },
          risk = { "data-loss" },

          main = function(p)
            local ids = {}
            for t in desk.tickets.each { departmentId = p.department } do
              if t.status == p.status then ids[#ids + 1] = t.id end
            end
            if #ids > 0 then desk.tickets.move_to_trash(ids) end
            return { department = p.department, trashed = #ids, ids = ids }
          end,
        }

        """
    }

    static func scenario(_ name: String) -> String {
        """
        -- Scenarios for \(name).lua, written by `zdsh new`: run them with `zdsh test`.
        local RUNBOOK = "\(name).lua"
        local GRANT = { allow = { "desk.tickets.move_to_trash" }, yes = true }

        -- The fixture: a department of its own with two tickets, on top of the demo org.
        local DEPARTMENT = "1892000000129901"
        local CLOSED, OPEN = "1892000000229901", "1892000000229902"
        local function seed()
          sim.seed {
            departments = { { id = DEPARTMENT, name = "Scaffold", isEnabled = true } },
            tickets = {
              { id = CLOSED, subject = "Done long ago", departmentId = DEPARTMENT, status = "Closed", statusType = "Closed" },
              { id = OPEN, subject = "Still being worked on", departmentId = DEPARTMENT, status = "Open", statusType = "Open" },
            },
          }
        end

        local function ticket(id)
          for _, t in ipairs(sim.resource("tickets")) do if t.id == id then return t end end
        end

        describe("\(name)", function()
          before_each(seed)

          it("trashes the department's closed tickets and keeps the others", function()
            local r = runbook.run(RUNBOOK, { department = DEPARTMENT }, GRANT)
            expect(r.ok).to_be(true)
            expect(r.value.trashed).to_be(1)
            expect(calls{ operation = "deleteTicket", outcome = "sent" }).to_have_length(1)
            expect(ticket(OPEN)).never.to_be(nil)
          end)

          it("is denied without the grant and sends nothing destructive", function()
            local r = runbook.run(RUNBOOK, { department = DEPARTMENT }, { yes = true })
            expect(r.ok).to_be(false)
            expect(r.exit).to_be(3)
            expect(calls{ outcome = "sent", safety = "destructive" }).to_have_length(0)
          end)
        end)

        """
    }

    static func luarc(stdlib: String) -> String {
        let types = (stdlib as NSString).appendingPathComponent("types")
        return """
        {
          "$schema": "https://raw.githubusercontent.com/LuaLS/vscode-lua/master/setting/schema.json",
          "runtime.version": "Lua 5.4",
          "workspace.library": [\(jsonString(types))],
          "workspace.checkThirdParty": false
        }

        """
    }

    static func luacheckrc(stdlib: String) -> String {
        let std = (stdlib as NSString).appendingPathComponent("luacheck/zdsh_std.lua")
        return """
        -- luacheck settings for zdsh runbooks (written by zdsh new): zdsh's globals and every
        -- desk/helpcenter binding, so `desk.tikets` is an undefined field; *_test.lua files get
        -- the scenario-test globals too. Your own options go on the table before it is returned:
        --   local config = dofile("…/zdsh_std.lua"); config.ignore = { "212" }; return config
        return dofile(\(luaString(std)))

        """
    }

    static func jsonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func luaString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
