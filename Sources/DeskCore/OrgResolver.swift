import JSONValue

/// A Desk organisation as `GET /api/v1/organizations` describes it.
public struct Organization: Sendable, Hashable {
    /// The org id (a digit string).
    public let id: String
    /// The company's name, when set.
    public let companyName: String?
    /// The portal's short name.
    public let portalName: String?
    /// The portal's address.
    public let portalURL: String?
    /// Whether Zoho marks it the user's default org.
    public let isDefault: Bool
    /// FREE, EXPRESS, STANDARD, PROFESSIONAL, ENTERPRISE … (sets the concurrency limit).
    public let edition: String?

    init?(_ j: JSON) {
        guard let id = j["id"]?.stringValue ?? j["id"]?.intValue.map(String.init) else { return nil }
        self.id = id
        edition = j["edition"]?.stringValue
        companyName = j["companyName"]?.stringValue
        portalName = j["portalName"]?.stringValue
        portalURL = j["portalURL"]?.stringValue
        isDefault = OrgResolver.truthy(j["isDefault"])
    }
}

/// A help center as `GET /api/v1/helpCenters` describes it.
public struct HelpCenter: Sendable, Hashable {
    /// The help center id (a digit string).
    public let id: String
    /// Its name, when set.
    public let name: String?
    /// Its address, when set.
    public let url: String?
    /// Whether it is the portal's default help center.
    public let isDefault: Bool

    init?(_ j: JSON) {
        guard let id = j["id"]?.stringValue ?? j["id"]?.intValue.map(String.init) else { return nil }
        self.id = id
        name = j["name"]?.stringValue
        url = j["url"]?.stringValue
        isDefault = OrgResolver.truthy(j["isDefault"])
    }
}

/// Finds the org, portal and help center a connection should use when the
/// profile does not say, and remembers the answers in the store.
public struct OrgResolver: Sendable {
    /// The client whose connection is completed.
    public let client: DeskClient
    /// A resolver asking through `client`.
    public init(client: DeskClient) { self.client = client }

    /// Zoho writes booleans both as `true` and as `"true"`.
    static func truthy(_ j: JSON?) -> Bool {
        if let b = j?.boolValue { return b }
        if let s = j?.stringValue?.lowercased() { return s == "true" || s == "1" || s == "yes" }
        if let i = j?.intValue { return i != 0 }
        return false
    }

    /// The organisations the token can reach.
    public func organizations() async throws -> [Organization] {
        let result = try await client.raw(method: "GET", path: "/api/v1/organizations")
        // Both `{"data":[…]}` and a bare list have been seen.
        return (result.items ?? []).compactMap(Organization.init)
    }

    /// The org to use: the only one, or the one marked default.
    public func defaultOrganization() async throws -> Organization {
        let orgs = try await organizations()
        if orgs.count == 1 { return orgs[0] }
        if let chosen = orgs.first(where: \.isDefault) { return chosen }
        if orgs.isEmpty {
            throw DeskError(kind: .organization, message: "this Zoho account has no Desk organisation",
                            hint: "Check the data centre (`zdsh auth status`) or create a Desk portal first.")
        }
        let list = orgs.map { "  \($0.id)  \($0.companyName ?? "")\($0.portalName.map { " (\($0))" } ?? "")" }
            .joined(separator: "\n")
        throw DeskError(kind: .organization,
                        message: "this account belongs to \(orgs.count) Desk organisations and none is marked default:\n\(list)",
                        hint: "Choose one with --org <id> (or ZOHO_DESK_ORG_ID), or `zdsh auth login --org <id>` to remember it.")
    }

    /// The portal name of the client's org (urlName, subDomain, portalName, or the id as last resort).
    public func portal() async throws -> String {
        if let known = client.connection.portal { return known }
        let orgs = try await organizations()
        let orgId = client.connection.orgId
        let org = orgs.first { $0.id == orgId } ?? orgs.first(where: \.isDefault) ?? orgs.first
        let raw = try await orgJSON(id: org?.id)
        let name = ["urlName", "subDomain", "portalName"].lazy.compactMap { raw?[$0]?.stringValue }.first
            ?? org?.portalName ?? org?.id
        guard let name else {
            throw DeskError(kind: .organization, message: "could not determine the portal name")
        }
        await client.remember(ProfileUpdate(portal: name))
        return name
    }

    private func orgJSON(id: String?) async throws -> JSON? {
        let result = try await client.raw(method: "GET", path: "/api/v1/organizations")
        return result.items?.first { ($0["id"]?.stringValue ?? $0["id"]?.intValue.map(String.init)) == id }
    }

    /// The help centers of the connection's org.
    public func helpCenters() async throws -> [HelpCenter] {
        let result = try await client.raw(method: "GET", path: "/api/v1/helpCenters")
        return (result.items ?? []).compactMap(HelpCenter.init)
    }

    /// The default help center id (the only one, or the one marked default).
    public func defaultHelpCenter() async throws -> String {
        if let known = client.connection.helpCenterId { return known }
        let centers = try await helpCenters()
        let chosen = centers.count == 1 ? centers.first : centers.first(where: \.isDefault)
        guard let chosen else {
            if centers.isEmpty { throw DeskError(kind: .organization, message: "this organisation has no help center") }
            let list = centers.map { "  \($0.id)  \($0.name ?? "")" }.joined(separator: "\n")
            throw DeskError(kind: .organization, message: "several help centers and none is marked default:\n\(list)",
                            hint: "Pass helpCenterId explicitly.")
        }
        await client.remember(ProfileUpdate(helpCenterId: chosen.id))
        return chosen.id
    }
}
