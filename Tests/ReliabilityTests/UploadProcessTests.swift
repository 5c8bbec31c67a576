import DeskSim
import Foundation
import JSONValue
import TestSupport
import XCTest

/// Uploads through the command line: `zdsh run` sends a file from the
/// runbook's folder (or a `--files-dir` folder) as multipart/form-data to a
/// simulator served over HTTP; a path out of the folder exits 1 with nothing
/// sent. The last test drives a separate `zdsh sim serve` process.
final class UploadProcessTests: ServedSimulatorTestCase {
    override class var tag: String { "upload" }

    override func zdsh(_ args: [String]) throws -> Zdsh.Output {
        // A runbook's declared writes, capped at the confirmation threshold, need no terminal.
        try super.zdsh(args + (args.first == "run" ? ["--max-writes", "10"] : []))
    }

    var ticket: String { sim.resource("tickets").first?["id"]?.stringValue ?? "" }

    func runbook(_ path: String) -> String {
        """
        return runbook {
          name = "attach",
          writes = { "createTicketAttachment" },
          params = { ticket = { type = "id", required = true } },
          main = function(p)
            local r = desk.api.createTicketAttachment{ ticketId = p.ticket, file = { path = "\(path)" } }
            print("attached " .. tostring(r.name) .. " " .. tostring(r.size))
          end,
        }
        """
    }

    func testRunbookUploadsAFileFromItsFolder() throws {
        try FileManager.default.createDirectory(atPath: home + "/files", withIntermediateDirectories: true)
        _ = try served.write("files/report.csv", "id,name\n1,Ada\n")
        let book = try served.write("attach.lua", runbook("files/report.csv"))
        let r = try zdsh(["run", book, "--param", "ticket=\(ticket)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("attached report.csv 14"), r.stdout)
        let request = sim.requestLog.last { $0.operationId == "createTicketAttachment" }
        XCTAssertEqual(request?.status, 200)
        XCTAssertTrue(request?.contentType?.hasPrefix("multipart/form-data; boundary=") ?? false, "\(String(describing: request))")
        let stored = sim.resource("uploads")
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(stored.first?["name"], "report.csv")
        XCTAssertEqual(stored.first?["contentType"], "text/csv")
        XCTAssertEqual(stored.first?["_content"], .string(Data("id,name\n1,Ada\n".utf8).base64EncodedString()))
        let audit = try String(contentsOfFile: home + "/audit.jsonl", encoding: .utf8)
        XCTAssertTrue(audit.contains("\"sha256\""), audit)
        XCTAssertFalse(audit.contains("1,Ada"))
    }

    func testFilesDirAddsAFolderAndNothingElse() throws {
        let other = Zdsh.tempDir("upload-extra")
        defer { try? FileManager.default.removeItem(atPath: other) }
        try "extra".write(toFile: other + "/extra.txt", atomically: true, encoding: .utf8)
        let book = try served.write("attach.lua", runbook("extra.txt"))
        let refused = try zdsh(["run", book, "--param", "ticket=\(ticket)"])
        XCTAssertEqual(refused.status, 2, refused.stderr)  // a bad file argument exits 2 (issue 25)
        XCTAssertTrue(refused.stderr.contains("no file 'extra.txt'"), refused.stderr)
        XCTAssertTrue(served.mutating.isEmpty)
        let r = try zdsh(["run", book, "--param", "ticket=\(ticket)", "--files-dir", other])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(sim.resource("uploads").first?["name"], "extra.txt")
        let missing = try zdsh(["run", book, "--param", "ticket=\(ticket)", "--files-dir", other + "/nope"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("--files-dir"), missing.stderr)
    }

    func testEscapesExitOneWithNothingSent() throws {
        _ = try served.write("secret.txt", "TOKEN=do-not-send")
        try FileManager.default.createDirectory(atPath: home + "/book", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: home + "/book/link.txt", withDestinationPath: home + "/secret.txt")
        for path in ["../secret.txt", home + "/secret.txt", "link.txt"] {
            let book = try served.write("book/attach.lua", runbook(path))
            let r = try zdsh(["run", book, "--param", "ticket=\(ticket)"])
            XCTAssertEqual(r.status, 2, "\(path): \(r.stderr)")  // invalid arguments exit 2 (issue 25)
            XCTAssertTrue(r.stderr.contains("bad argument 'file' to 'desk.api.createTicketAttachment'"), r.stderr)
            XCTAssertFalse(r.stderr.contains("do-not-send") || r.stdout.contains("do-not-send"))
        }
        XCTAssertTrue(served.mutating.isEmpty, "\(served.mutating)")
        XCTAssertTrue(sim.resource("uploads").isEmpty)
    }

    func testPlannedUploadIsReadAgainAndMustMatchItsHash() throws {
        try FileManager.default.createDirectory(atPath: home + "/plan", withIntermediateDirectories: true)
        let file = try served.write("plan/report.txt", "version one")
        let book = try served.write("plan/attach.lua", runbook("report.txt"))
        let plan = home + "/plan.json"
        let dry = try zdsh(["run", book, "--param", "ticket=\(ticket)", "--dry-run", "--plan-out", plan])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        let planText = try String(contentsOfFile: plan, encoding: .utf8)
        XCTAssertTrue(planText.contains("\"sha256\"") && !planText.contains("version one"), planText)
        XCTAssertTrue(served.mutating.isEmpty)

        let applied = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(sim.resource("uploads").first?["_content"], .string(Data("version one".utf8).base64EncodedString()))

        try "version two".write(toFile: file, atomically: true, encoding: .utf8)
        let changed = try zdsh(["apply", plan, "--yes", "--force"])
        XCTAssertNotEqual(changed.status, 0)
        XCTAssertTrue(changed.stderr.contains("changed since the plan was made"), changed.stderr)
        XCTAssertEqual(sim.resource("uploads").count, 1, "nothing more was sent")
    }

    /// `zdsh sim serve` in its own process; the upload is checked through
    /// the API (the attachment list), as an operator would.
    func testUploadAgainstZdshSimServe() throws {
        let dir = Zdsh.tempDir("upload-serve")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/serve.out"
        let server = try ChildProcess("/bin/sh", ["-c", "exec \"$0\" sim serve --port 0 > \"$1\" 2>&1", Zdsh.binary, log],
                                      environment: Zdsh.environment(home: dir))
        defer { server.send(SIGTERM); _ = server.wait(timeout: 10) }
        var banner = ""
        for _ in 0..<300 where !banner.contains("client:") {
            usleep(50_000)
            banner = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        func field(_ label: String) -> String {
            let line = banner.split(separator: "\n").first { $0.contains(label) } ?? ""
            return line.components(separatedBy: label).last?.trimmingCharacters(in: .whitespaces)
                .split(separator: " ").first.map(String.init) ?? ""
        }
        let base = field("listening on")
        XCTAssertTrue(base.hasPrefix("http://127.0.0.1:"), banner)
        let client = field("client:")
        let env = Zdsh.environment(home: dir, extra: [
            "ZOHO_CLIENT_ID": client, "ZOHO_CLIENT_SECRET": banner.split(separator: "\n").first { $0.contains("client:") }?
                .components(separatedBy: " / ").dropFirst().first?.split(separator: " ").first.map(String.init) ?? "",
            "ZOHO_REFRESH_TOKEN": field("refresh token:"), "ZOHO_DESK_ORG_ID": field("orgId:"),
            "ZDSH_API_URL": base, "ZDSH_ACCOUNTS_URL": base,
        ])
        try FileManager.default.createDirectory(atPath: dir + "/book", withIntermediateDirectories: true)
        try "served".write(toFile: dir + "/book/note.txt", atomically: true, encoding: .utf8)
        try runbook("note.txt").write(toFile: dir + "/book/attach.lua", atomically: true, encoding: .utf8)
        let r = try Zdsh.run(["run", dir + "/book/attach.lua", "--param", "ticket=\(ticket)", "--profile", "serve", "--max-writes", "10"], env: env)
        XCTAssertEqual(r.status, 0, r.stderr + banner)
        XCTAssertTrue(r.stdout.contains("attached note.txt 6"), r.stdout)
        let check = try Zdsh.run(["eval", "--profile", "serve", "--json",
                                  "local a = desk.api.getTicketAttachments{ ticketId = '\(ticket)' }; return { n = #a, name = a[1].name }"], env: env)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("\"n\":1") || check.stdout.contains("\"n\": 1"), check.stdout)
        XCTAssertTrue(check.stdout.contains("note.txt"), check.stdout)
    }
}
