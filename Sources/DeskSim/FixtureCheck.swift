import DeskCatalog
import JSONValue

/// Checks fixture records before they are loaded (fixture files, `seed`,
/// `sim.seed`): each field a record gives against the schema Zoho documents
/// for that resource's answers (type, format, enum, pattern), ids as ids, and
/// what the simulator needs to keep a record reachable. Errors name the
/// record (`tickets[3]`, with its id) and the field; the caller adds the file.
/// Fields a record leaves out get the resource's defaults, so minimal seeds
/// keep working.
enum FixtureCheck {
    /// The operation whose answer documents each stored resource.
    static let schemaOperation: [String: String] = [
        "tickets": "getTicket", "contacts": "getContact", "accounts": "getAccount", "agents": "getAgent",
        "departments": "getDepartment", "users": "getUserDetails", "labels": "getLabel", "groups": "getHelpCenterGroup",
        "tasks": "getTask", "products": "getProduct", "articles": "getArticle", "teams": "getTeam", "profiles": "getProfile",
        "roles": "getRole", "helpCenters": "getHelpCenter", "comments": "getTicketComment", "organizations": "getOrganization",
    ]

    /// The first problem with `row` (the `index`th of `resource`), as a message.
    static func problem(_ row: Row, resource: String, index: Int) -> String? {
        let name = "\(resource)[\(index)]" + (idString(row["id"]).map { " (id \($0))" } ?? "")
        if let id = row["id"], id != .null, idString(id).map({ RequestValidator.isDigits($0) }) != true {
            return "\(name): field id: expected a numeric id (digits), got \(id)"
        }
        guard let op = schemaOperation[resource], let schema = ResponseSchemas.shared.schema(op, status: 200),
              let props = schema.properties else { return nil }
        for (field, value) in row.sorted(by: { $0.key < $1.key }) where !field.hasPrefix("_") && value != .null {
            guard let sub = props[field] else { continue }
            var walk = SchemaWalk()
            walk.walk(value, sub, pointer: "")
            if let (pointer, message) = walk.problems.first(where: { !["required but missing", "not a documented field"].contains($0.1) }) {
                return "\(name): field \(field)\(pointer): \(message)"
            }
        }
        return nil
    }
}
