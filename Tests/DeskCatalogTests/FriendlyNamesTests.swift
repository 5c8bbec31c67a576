import DeskCatalog
import XCTest

final class FriendlyNamesTests: XCTestCase {
    func testRequiredNamesExistWithTheirConventions() throws {
        func check(_ name: String, _ op: String, _ positional: [String],
                   file: StaticString = #filePath, line: UInt = #line) {
            guard let b = FriendlyNames.binding(named: name) else {
                return XCTFail("missing \(name)", file: file, line: line)
            }
            XCTAssertEqual(b.operationId, op, name, file: file, line: line)
            XCTAssertEqual(b.positional, positional, name, file: file, line: line)
        }
        check("desk.profiles.delete", "deleteProfile", ["profileId"])
        check("desk.profiles.get", "getProfile", ["profileId"])
        check("desk.profiles.list", "getProfileList", [])
        check("desk.organizations.list", "getOrganizations", [])
        check("helpcenter.labels.remove_users", "removeLabelsFromUsers", ["helpCenterId", "labelId", "userIds"])
        check("helpcenter.groups.remove_users", "deleteHCGroupUsers", ["helpCenterId", "groupId", "userIds"])
        check("helpcenter.users.remove_from_groups", "deleteGroupsFromUsers", ["helpCenterId", "userId", "groupIds"])
        check("helpcenter.users.remove_labels", "removeLabelsFromUser", ["helpCenterId", "userId", "labelIds"])
        check("helpcenter.users.remove_badges", "dissociateBadgesFromUsers", ["helpCenterId", "userId", "badgeIds"])
        check("helpcenter.groups.delete", "deleteHelpCenterUserGroup", ["helpCenterId", "groupId"])
        check("helpcenter.labels.delete", "deleteLabel", ["helpCenterId", "labelId"])

        let delete = try XCTUnwrap(FriendlyNames.binding(named: "desk.profiles.delete"))
        XCTAssertEqual(delete.wireName(forOption: "transfer_to"), "transferToProfileId")
        let op = try XCTUnwrap(Catalog.shared.operation(id: "deleteProfile"))
        XCTAssertEqual(delete.target(of: "profileId", in: op), .path)
        XCTAssertEqual(delete.target(of: "transferToProfileId", in: op), .body)
    }

    func testHelpCenterIdPlacement() throws {
        func target(_ name: String) throws -> FriendlyNames.ArgumentTarget {
            let b = try XCTUnwrap(FriendlyNames.binding(named: name))
            let op = try XCTUnwrap(Catalog.shared.operation(id: b.operationId))
            return b.target(of: "helpCenterId", in: op)
        }
        XCTAssertEqual(try target("helpcenter.labels.remove_users"), .unused)
        XCTAssertEqual(try target("helpcenter.labels.list"), .query)
        XCTAssertEqual(try target("helpcenter.users.list"), .query)   // spec gap, forced
        XCTAssertEqual(try target("helpcenter.groups.create"), .body)
    }

    func testOldClientAliasesPointAtRealEndpoints() throws {
        let expected: [String: (String, String)] = [
            "delete_profile": ("POST", "/api/v1/profiles/{profileId}/delete"),
            "remove_users_from_group": ("POST", "/api/v1/groups/{groupId}/users/remove"),
            "remove_user_from_groups": ("POST", "/api/v1/users/{userId}/groups/dissociate"),
            "remove_labels_from_user": ("POST", "/api/v1/users/{userId}/labels/remove"),
            "remove_users_under_a_label": ("POST", "/api/v1/labels/{labelId}/users/remove"),
            "remove_badges_from_user": ("POST", "/api/v1/users/{userId}/badges/dissociate"),
            "get_all_organizations": ("GET", "/api/v1/organizations"),
        ]
        for (name, (method, path)) in expected {
            let b = try XCTUnwrap(FriendlyNames.binding(named: name), name)
            XCTAssertNotNil(b.alias, name)
            XCTAssertNil(b.alias?.unsupported, name)
            let op = try XCTUnwrap(Catalog.shared.operation(id: b.operationId), name)
            XCTAssertEqual(op.method, method, name)
            XCTAssertEqual(op.path, path, name)
            XCTAssertNotNil(FriendlyNames.binding(named: b.alias!.replacement), "\(name) → \(b.alias!.replacement)")
        }
        let many = try XCTUnwrap(FriendlyNames.all.first { $0.alias?.unsupported != nil })
        XCTAssertEqual(many.alias?.oldPath, "DELETE /api/v1/helpcenter/{hc}/labels")
        XCTAssertTrue(many.alias!.unsupported!.contains("helpcenter.labels.delete"))
    }

    func testEveryBindingResolvesAndCoversItsPathParameters() {
        var seen = Set<String>()
        for b in FriendlyNames.all {
            XCTAssertTrue(seen.insert(b.name).inserted, "duplicate name \(b.name)")
            guard let op = Catalog.shared.operation(id: b.operationId) else {
                XCTFail("\(b.name) → unknown operation \(b.operationId)"); continue
            }
            if b.alias?.unsupported != nil { continue }
            let supplied = Set(b.positional).union(b.options.values)
            for p in op.parameters where p.location == .path {
                XCTAssertTrue(supplied.contains(p.name), "\(b.name): path parameter \(p.name) has no positional")
            }
            for name in b.positional {
                let t = b.target(of: name, in: op)
                if t == .unused { XCTAssertEqual(name, "helpCenterId", b.name) }
                if t == .body { XCTAssertNotNil(op.body?.schema.properties?[name], "\(b.name): \(name)") }
            }
            // Naming rule: namespace.resource[.sub].verb, snake_case; aliases are flat.
            if b.isAlias {
                XCTAssertFalse(b.name.contains("."), b.name)
            } else {
                let parts = b.name.split(separator: ".")
                XCTAssertTrue(["desk", "helpcenter"].contains(String(parts[0])), b.name)
                XCTAssertTrue((3...4).contains(parts.count), b.name)
                XCTAssertTrue(b.name.allSatisfy { $0.isLowercase || $0 == "." || $0 == "_" }, b.name)
                if parts[0] == "helpcenter" && parts[1] != "help_centers" {
                    XCTAssertEqual(b.positional.first, "helpCenterId", "\(b.name): hc comes first")
                }
            }
        }
    }

    func testAliasTableMarkdown() {
        let md = FriendlyNames.aliasTableMarkdown()
        XCTAssertTrue(md.hasPrefix("| old name |"))
        XCTAssertTrue(md.contains("| `delete_profile` | `DELETE /api/v1/profiles/{profile_id}` | `desk.profiles.delete` | `POST /api/v1/profiles/{profileId}/delete` (`deleteProfile`) |"))
        XCTAssertTrue(md.contains("`delete_labels`"))
        XCTAssertEqual(md.split(separator: "\n").count, 2 + FriendlyNames.all.filter(\.isAlias).count)
    }
}
