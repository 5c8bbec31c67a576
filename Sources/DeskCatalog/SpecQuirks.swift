/// Where Zoho's OpenAPI files are stricter than the live API: fields and
/// parameters marked required that Zoho defaults or ignores. Both the
/// client's argument checks and the simulator's request validation use
/// this one list, so a call the shell lets through is one the simulator
/// (and, as far as we know, Zoho) accepts.
public enum SpecQuirks {
    /// "operationId.parameter": marked required in the spec, optional in practice
    /// (tickets list across all departments without `departmentId`).
    public static let optionalQuery: Set<String> = ["getTickets.departmentId"]
    /// Body fields the spec marks required that Zoho does not insist on
    /// (`attachmentIds` on a plain comment).
    public static let optionalBody: Set<String> = ["attachmentIds"]
    /// Query parameters the spec marks required on many lists (`viewId`,
    /// `departmentId`) although Zoho defaults them.
    public static let optionalQueryNames: Set<String> = ["viewId", "departmentId"]
    /// Creates whose body schema lists (nearly) every field as required.
    public static let lenientRequired: Set<String> = [
        "createTicket", "createContact", "createAccount", "createTask", "createProduct", "addDepartment",
        "addRole", "createLabel", "createArticle", "addAgent",
    ]
    /// Whether the simulator refuses body fields a closed schema does not list.
    /// Zoho ignores them (a mistyped field "succeeds" and changes nothing), and
    /// the simulator does as Zoho does. zdsh itself refuses them before sending
    /// (Shell's SchemaValidator), except custom fields, the reviewed gaps of
    /// catalog/spec-gaps.tsv (part of the catalog's schemas) and
    /// `desk.unchecked{…}` fields.
    public static let rejectUnknownFields = false
}

extension SpecQuirks {
    /// The field a `sortBy` value names: "-createdTime" sorts descending on
    /// `createdTime`, which is what the spec's enum lists (its descriptions,
    /// and Zoho's API, allow the "-" prefix; the enums do not spell it).
    public static func sortField(_ parameter: String, _ value: String) -> String {
        parameter == "sortBy" && value.hasPrefix("-") ? String(value.dropFirst()) : value
    }

    /// Whether a required query parameter may be left out.
    public static func queryMayBeOmitted(_ operationId: String, _ name: String) -> Bool {
        optionalQuery.contains("\(operationId).\(name)") || optionalQueryNames.contains(name)
    }

    /// Whether the top-level required body fields are enforced (not for
    /// partial updates and the over-specified creates).
    public static func enforcesRequiredBody(_ operation: Operation) -> Bool {
        !["PATCH", "PUT"].contains(operation.method) && !lenientRequired.contains(operation.id)
    }
}
