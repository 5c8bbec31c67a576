import DeskCore
import Foundation
import JSONValue
import XCTest
@testable import DeskSim

/// The simulator takes the upload operations' files as Zoho does: only
/// multipart/form-data (a JSON body is 415), within the size limit (413),
/// with the file part the form requires (422); the client's encoder
/// (MultipartBody) and the simulator's parser agree byte for byte.
final class UploadIntakeTests: XCTestCase {
    let h = SimHarness()
    var ticket: String { h.sim.resource("tickets").first?["id"]?.stringValue ?? "" }

    func send(_ form: MultipartBody?, json: JSON? = nil, path: String) async throws -> SimHarness.Result {
        var req = h.request("POST", path, body: json)
        if let form {
            req.headers.append(Header("Content-Type", form.contentType))
            req.body = form.bytes
        }
        let r = try await h.sim.transport.send(req)
        return SimHarness.Result(status: r.status, json: r.body.isEmpty ? nil : try? JSON.parse(r.body), raw: r)
    }

    func testJSONBodyIsUnsupportedMediaType() async throws {
        let r = try await send(nil, json: ["file": "hello"], path: "/api/v1/tickets/\(ticket)/attachments")
        XCTAssertEqual(r.status, 415)
        XCTAssertEqual(r.errorCode, "UNSUPPORTED_MEDIA_TYPE")
        XCTAssertTrue(h.sim.resource("uploads").isEmpty)
    }

    func testBinaryBytesAndHostileNamesSurviveTheRoundTrip() async throws {
        var bytes = [UInt8](0...255)
        bytes += Array("\r\n--zdsh-not-the-boundary\r\n".utf8)
        let file = UploadFile(field: "file", fileName: "evil\"; name=\"x\r\nX-Injected: 1.bin", contentType: "application/octet-stream", bytes: bytes)
        XCTAssertFalse(file.fileName.contains("\"") || file.fileName.contains("\r") || file.fileName.contains("\n"))
        let form = try MultipartBody(files: [file])
        XCTAssertNotEqual(form.boundary, try MultipartBody(files: [file]).boundary, "boundaries are random per request")
        let r = try await send(form, path: "/api/v1/tickets/\(ticket)/attachments")
        XCTAssertEqual(r.status, 200, "\(String(describing: r.json))")
        let stored = h.sim.resource("uploads").first
        XCTAssertEqual(stored?["_content"], .string(Data(bytes).base64EncodedString()))
        XCTAssertEqual(stored?["name"]?.stringValue, file.fileName)
    }

    func testOversizeFileIsResourceSizeExceeded() async throws {
        let file = UploadFile(field: "file", fileName: "big.bin", contentType: "application/octet-stream",
                              bytes: [UInt8](repeating: 0x41, count: UploadLimits.defaultMaximumBytes + 32 << 10))
        let r = try await send(try MultipartBody(files: [file]), path: "/api/v1/uploads")
        XCTAssertEqual(r.status, 413)
        XCTAssertEqual(r.errorCode, "RESOURCE_SIZE_EXCEEDED")
    }

    func testFormWithoutItsFileIsInvalidData() async throws {
        let other = UploadFile(field: "photo", fileName: "a.png", contentType: "image/png", bytes: [1, 2, 3])
        let r = try await send(try MultipartBody(files: [other]), path: "/api/v1/uploads")
        XCTAssertEqual(r.status, 422)
        XCTAssertEqual(r.errorCode, "INVALID_DATA")
    }

    func testUnknownRecordIsNotFound() async throws {
        let file = UploadFile(field: "file", fileName: "a.txt", contentType: "text/plain", bytes: Array("a".utf8))
        let r = try await send(try MultipartBody(files: [file]), path: "/api/v1/tickets/999999999/attachments")
        XCTAssertEqual(r.status, 404)
    }

    func testQuotedParametersAreParsed() {
        XCTAssertEqual(UploadIntake.parameter("filename", in: #"form-data; name="file"; filename="a; b=c.txt""#), "a; b=c.txt")
        XCTAssertEqual(UploadIntake.parameter("name", in: #"form-data; name="file"; filename="x""#), "file")
        XCTAssertEqual(UploadIntake.parameter("boundary", in: "multipart/form-data; boundary=abc"), "abc")
        XCTAssertNil(UploadIntake.parameter("boundary", in: "multipart/form-data"))
    }
}
