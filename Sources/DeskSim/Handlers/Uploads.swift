import DeskCatalog
import DeskCore
import Foundation
import JSONValue

/// The operations that take files: each upload is stored (name, size,
/// content type, and the bytes in an internal field) in the `uploads` table,
/// listed by the record's attachment list, and served back by the download
/// operation where the spec has one.
enum Uploads {
    /// Download operation → the upload it serves, and the path parameter
    /// naming the upload's id (nil: the latest upload for the same record).
    static let downloads: [String: (upload: String, idParam: String?)] = [
        "getOrganizationLogo": ("updateOrganizationLogo", nil),
        "getOrganizationFavicon": ("updateOrganizationFavicon", nil),
        "getDepartmentLogo": ("updateDepartmentLogo", nil),
        "getUnassociatedCommunityAttachment": ("addCommunityAttachment", "id"),
        "downloadArticleTranslationAttachment": ("addArticleTranslationAttachment", "attachmentId"),
    ]

    /// Attachment list → the upload that adds to it.
    static let lists: [String: String] = [
        "getTicketAttachments": "createTicketAttachment",
        "getAccountAttachments": "createAccountAttachment",
        "getContactAttachments": "createContactAttachment",
        "getProductAttachments": "createProductAttachment",
        "getTaskAttachments": "createTaskAttachment",
        "getArticleTranslationAttachments": "addArticleTranslationAttachment",
    ]

    static var handlers: [String: Handler] {
        var out: [String: Handler] = [:]
        for op in Catalog.shared.operations where op.takesFiles { out[op.id] = store }
        for (download, source) in downloads { out[download] = serve(source.upload, idParam: source.idParam) }
        for (list, upload) in lists { out[list] = listing(upload) }
        return out
    }

    /// The record an upload belongs to: its path parameters ("ticketId=7").
    static func owner(_ c: Ctx, except idParam: String? = nil) -> String {
        c.params.filter { $0.key != idParam }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    static func store(_ c: Ctx) throws -> Reply {
        if PathResources.missing(c.params, template: c.op.path, in: c.org, state: c.state) != nil { throw SimError.notFound }
        guard let field = c.op.fileFields.first, case .object(let file)? = c.body?[field] else {
            throw SimError.invalid(field: "/", "missing", "The form has no file")
        }
        let id = c.newId()
        let name = String((file["name"]?.stringValue ?? "upload").prefix(100))
        var row: Row = [
            "id": .string(id), "name": .string(name), "fileName": .string(name),
            "size": .string(String(file["size"]?.intValue ?? 0)),
            "contentType": file["contentType"] ?? .null,
            "createdTime": .string(c.timestamp),
            "isPublic": .bool(c.query["isPublic"] == "true"),
            "_op": .string(c.op.id), "_owner": .string(owner(c)), "_content": file["_content"] ?? .string(""),
        ]
        let href = "https://desk.zoho.sim/api/v1/uploads/\(id)/content"
        for key in ["href", "previewurl", "logoURL", "faviconURL", "photoURL", "url"] { row[key] = .string(href) }
        c.org.table("uploads").put(row)
        if c.op.successCodes.contains(204), !c.op.successCodes.contains(200) { return .noContent }
        if case .empty? = ResponseSchemas.shared.answer(c.op.id, status: 200) { return c.emptyOK }
        return .ok(publicView(row))
    }

    static func serve(_ upload: String, idParam: String?) -> Handler {
        { c in
            if PathResources.missing(c.params.filter { $0.key != idParam }, template: c.op.path, in: c.org, state: c.state) != nil {
                throw SimError.notFound
            }
            let rows = c.org.table("uploads").all { row in
                row["_op"]?.stringValue == upload
                    && (idParam.map { row["id"]?.stringValue == c.param($0) } ?? (row["_owner"]?.stringValue == owner(c)))
            }
            guard let row = rows.last else {
                // Nothing uploaded: ids named by the path are unknown; a record's logo is empty.
                if idParam != nil { throw SimError.notFound }
                return .bytes([], contentType: "application/octet-stream", status: 200)
            }
            let bytes = Data(base64Encoded: row["_content"]?.stringValue ?? "").map { [UInt8]($0) } ?? []
            return .bytes(bytes, contentType: row["contentType"]?.stringValue ?? "application/octet-stream", status: 200)
        }
    }

    static func listing(_ upload: String) -> Handler {
        { c in
            if PathResources.missing(c.params, template: c.op.path, in: c.org, state: c.state) != nil { throw SimError.notFound }
            let mine = owner(c)
            let rows = c.org.table("uploads").all { $0["_op"]?.stringValue == upload && $0["_owner"]?.stringValue == mine }
            return c.list(Array(rows.dropFirst(c.pageStart).prefix(c.pageLimit(default: 50))).map(publicView))
        }
    }
}
