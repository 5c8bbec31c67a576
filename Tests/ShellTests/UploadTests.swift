import DeskCore
import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Uploads end to end in process: a file from the runbook's folder or a Lua
/// string goes as multipart/form-data, the simulator stores it, and every
/// way out of the folder is refused with nothing sent.
final class UploadTests: XCTestCase {
    static let secret = "1000.5ecret7oken.uploads"
    var base: URL!
    var folder: URL!

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-uploads-\(UUID().uuidString)")
        folder = base.appendingPathComponent("runbooks")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try "first line\nsecond line\n".write(to: folder.appendingPathComponent("docs/report.txt"), atomically: true, encoding: .utf8)
        try "TOKEN=\(Self.secret)\n".write(to: base.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: base) }

    func session(dryRun: Bool = false) throws -> SimSession {
        var settings = CallGate.Settings()
        settings.dryRun = dryRun
        return try SimSession(settings: settings, filesDirs: [folder.path])
    }

    func ticket(_ s: SimSession) -> String { s.sim.resource("tickets").first?["id"]?.stringValue ?? "" }

    func testFileFromTheRunbookFolderIsSentAsMultipartAndStored() throws {
        let s = try session()
        let t = ticket(s)
        let r = s.value("return desk.api.createTicketAttachment{ ticketId = '\(t)', file = { path = 'docs/report.txt' } }")
        XCTAssertEqual(r?["name"], "report.txt")
        XCTAssertEqual(r?["size"], "23")
        let entry = s.sim.requestLog.last { $0.operationId == "createTicketAttachment" }
        XCTAssertEqual(entry?.status, 200)
        XCTAssertTrue(entry?.contentType?.hasPrefix("multipart/form-data; boundary=zdsh-") ?? false, "\(String(describing: entry))")
        let stored = s.sim.resource("uploads")
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(stored.first?["contentType"], "text/plain")
        XCTAssertEqual(stored.first?["_content"], .string(Data("first line\nsecond line\n".utf8).base64EncodedString()))
        // The record's attachment list shows it.
        XCTAssertEqual(s.value("return #desk.api.getTicketAttachments{ ticketId = '\(t)' }"), 1)
        // A plain path string works too.
        XCTAssertEqual(s.value("return desk.api.createTicketAttachment{ ticketId = '\(t)', file = 'docs/report.txt' }.name"), "report.txt")
        // The audit log has name, size and sha256, never the content.
        let outcome = s.auditRecords.first { $0["phase"] == "outcome" }
        let upload = outcome?["uploads"]?[0]
        XCTAssertEqual(upload?["name"], "report.txt")
        XCTAssertEqual(upload?["size"], 23)
        XCTAssertEqual(upload?["sha256"]?.stringValue?.count, 64)
        XCTAssertFalse(try String(contentsOfFile: s.auditPath, encoding: .utf8).contains("second line"))
    }

    func testLuaStringUploadRoundTripsThroughTheDownload() throws {
        let s = try session()
        let org = s.sim.orgId
        let r = s.value("""
            desk.api.updateOrganizationLogo{ organizationId = '\(org)', logo = { name = 'logo.png', content = 'PNG-BYTES', type = 'image/png' } }
            return desk.api.getOrganizationLogo{ organizationId = '\(org)' }
            """)
        XCTAssertEqual(r?["content_type"], "image/png")
        XCTAssertEqual(r?["size"], 9)
    }

    func testEscapesAreRefusedBeforeAnythingIsReadOrSent() throws {
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("docs/out.txt").path,
                                                   withDestinationPath: base.appendingPathComponent("secret.txt").path)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up").path, withDestinationPath: base.path)
        let s = try session()
        let t = ticket(s)
        let attempts = [
            ("'../secret.txt'", "'..' is not allowed"),
            ("'docs/../../secret.txt'", "'..' is not allowed"),
            ("'\(base.appendingPathComponent("secret.txt").path)'", "absolute paths are not allowed"),
            ("'\(folder.appendingPathComponent("docs/report.txt").path)'", "absolute paths are not allowed"),
            ("'docs/out.txt'", "symbolic link"),
            ("'up/secret.txt'", "symbolic link"),
            ("'docs/missing.txt'", "no file"),
            ("'docs'", "not a regular file"),
        ]
        for (path, why) in attempts {
            guard let e = s.error("return desk.api.createTicketAttachment{ ticketId = '\(t)', file = { path = \(path) } }") else { continue }
            XCTAssertTrue(e.description.contains(why), "\(path): \(e)")
            XCTAssertTrue(e.description.contains("'file'") && e.description.contains("desk.api.createTicketAttachment"), "\(e)")
            XCTAssertFalse(e.description.contains(Self.secret))
        }
        XCTAssertEqual(s.mutatingRequests.count, 0)
        XCTAssertTrue(s.sim.resource("uploads").isEmpty)
    }

    func testNoFolderMeansOnlyLuaStrings() throws {
        let s = try SimSession()
        let t = ticket(s)
        let e = s.error("return desk.api.createTicketAttachment{ ticketId = '\(t)', file = 'docs/report.txt' }")
        XCTAssertTrue(e?.description.contains("--files-dir") ?? false, "\(String(describing: e))")
        XCTAssertEqual(s.value("return desk.api.createTicketAttachment{ ticketId = '\(t)', file = { name = 'a.txt', content = 'hi' } }.name"), "a.txt")
    }

    func testOversizeIsRefusedBeforeSending() throws {
        let big = folder.appendingPathComponent("docs/big.bin")
        XCTAssertTrue(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: UInt64(UploadLimits.defaultMaximumBytes + 1))
        try handle.close()
        let s = try session()
        let t = ticket(s)
        let e = s.error("return desk.api.createTicketAttachment{ ticketId = '\(t)', file = { path = 'docs/big.bin' } }")
        XCTAssertTrue(e?.description.contains("larger than the 20 MB createTicketAttachment accepts") ?? false, "\(String(describing: e))")
        XCTAssertTrue(e?.description.contains("'file'") ?? false)
        let e2 = s.error("return desk.api.uploadFile{ file = { name = 'x.txt', content = string.rep('x', 20 * 1024 * 1024 + 1) } }")
        XCTAssertTrue(e2?.description.contains("20 MB") ?? false, "\(String(describing: e2))")
        XCTAssertEqual(s.mutatingRequests.count, 0)
    }

    func testDryRunPlansTheUploadWithoutItsContent() throws {
        let s = try session(dryRun: true)
        let t = ticket(s)
        let r = s.value("return desk.api.createTicketAttachment{ ticketId = '\(t)', file = { path = 'docs/report.txt' } }")
        XCTAssertEqual(r?["dry_run"], true)
        let call = s.session.gate.calls.last
        let upload = call?.body?["file"]?["upload"]
        XCTAssertEqual(upload?["name"], "report.txt")
        XCTAssertEqual(upload?["size"], 23)
        XCTAssertEqual(upload?["path"], "docs/report.txt")
        XCTAssertFalse(call?.body?.encoded().contains("second line") ?? true)
        XCTAssertEqual(s.mutatingRequests.count, 0)
    }

    func testApiShowDescribesTheFilePart() throws {
        let text = try XCTUnwrap(ApiHelp.describe("createTicketAttachment"))
        XCTAssertTrue(text.contains("body (multipart/form-data)"), text)
        XCTAssertTrue(text.contains("file (a file: \"path\", { path = … } or { name = …, content = … }; at most 20 MB) required"), text)
    }

    func testBadFileArgumentsNameTheBindingAndArgument() throws {
        let s = try session()
        let t = ticket(s)
        for (value, why) in [("42", "a file expected"), ("{ content = 'x' }", "a name is required"),
                             ("{ path = 'a', content = 'b' }", "either path or content"), ("{ pth = 'a' }", "unknown field")] {
            let e = s.error("return desk.api.createTicketAttachment{ ticketId = '\(t)', file = \(value) }")
            XCTAssertTrue(e?.description.contains(why) ?? false, "\(value): \(String(describing: e))")
            XCTAssertTrue(e?.description.contains("bad argument 'file' to 'desk.api.createTicketAttachment'") ?? false)
        }
        let missing = s.error("return desk.api.createTicketAttachment{ ticketId = '\(t)' }")
        XCTAssertTrue(missing?.description.contains("'file'") ?? false, "\(String(describing: missing))")
        XCTAssertEqual(s.mutatingRequests.count, 0)
    }
}
