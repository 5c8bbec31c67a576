import DeskCore
import Foundation
import JSONValue

/// The built-in demo organisation, used when no fixture is given. Small enough
/// to read in `state()`, rich enough for every relationship: profiles with
/// agents (including a "Contractors" profile to delete), labels and groups
/// sharing help-center users, badges, tickets old and new with threads and
/// comments, contacts under accounts, tasks, products and articles.
enum DemoFixture {
    static let orgId = "71000001"

    /// Stable ids: 1892000000 + two-digit kind + four-digit serial.
    static func id(_ kind: Int, _ n: Int) -> String { "1892000000" + padded(kind, 2) + padded(n, 4) }

    /// `n` with leading zeros to `width` digits (`%0Nd`; Foundation's `String(format:)` costs a millisecond at start).
    private static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A thread's summary is a snippet of its content in the characters the thread
    /// schema's pattern allows (letters, digits, spaces and . ? _ - ,).
    static func threadSummary(_ content: String) -> String {
        String(content.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0.isWhitespace || ".?_-,".contains($0)) }.prefix(100))
    }

    static func json(now: Date) -> JSON {
        func ago(days: Double, hours: Double = 0) -> JSON { .string(UTCTimestamp.milliseconds(from: now - days * 86_400 - hours * 3600)) }
        let permissionsTemplate = ResourceShapes.template("profiles")["permissions"]?.objectValue ?? [:]
        func permissions(_ allow: (String) -> Bool) -> JSON {
            .object(permissionsTemplate.mapValues { group in
                var out: [String: JSON] = [:]
                for key in (group.objectValue ?? [:]).keys { out[key] = .bool(allow(key)) }
                return .object(out)
            })
        }

        let profiles: [JSON] = [
            ["id": .string(id(10, 1)), "name": "Administrator", "type": "Administrator", "default": true, "isVisible": true,
             "description": "Full access to every module and setting", "permissions": permissions { _ in true }],
            ["id": .string(id(10, 2)), "name": "Support Agent", "type": "Standard", "default": true, "isVisible": true,
             "description": "Front-line agents", "permissions": permissions { $0 != "delete" && $0 != "import" }],
            ["id": .string(id(10, 3)), "name": "Light Agent", "type": "Light", "default": true, "isVisible": true,
             "description": "Read-only collaborators", "permissions": permissions { $0 == "view" }],
            ["id": .string(id(10, 4)), "name": "Contractors", "type": "Custom", "default": false, "isVisible": true,
             "description": "External contractors (to be retired)", "permissions": permissions { $0 == "view" || $0 == "edit" }],
        ]
        let roles: [JSON] = [
            ["id": .string(id(11, 1)), "name": "CEO", "description": "Top of the hierarchy", "isDefault": true, "isVisible": true,
             "reportsTo": .null, "shareDataWithPeers": false, "immediateSubRoles": [.string(id(11, 2))]],
            ["id": .string(id(11, 2)), "name": "Support Manager", "description": "Leads the support desk", "isDefault": false,
             "isVisible": true, "reportsTo": .string(id(11, 1)), "shareDataWithPeers": true, "immediateSubRoles": [.string(id(11, 3))]],
            ["id": .string(id(11, 3)), "name": "Support Rep", "description": "Handles tickets", "isDefault": false, "isVisible": true,
             "reportsTo": .string(id(11, 2)), "shareDataWithPeers": true, "immediateSubRoles": []],
        ]
        let support = id(12, 1), billing = id(12, 2)
        let departments: [JSON] = [
            ["id": .string(support), "name": "Support", "description": "Product support", "isDefault": true, "isEnabled": true,
             "nameInCustomerPortal": "Support", "isVisibleInCustomerPortal": true, "isAssignToTeamEnabled": true,
             "chatStatus": "AVAILABLE", "hasLogo": false, "sanitizedName": "support", "createdTime": ago(days: 400), "creatorId": .string(id(13, 1))],
            ["id": .string(billing), "name": "Billing", "description": "Invoices and refunds", "isDefault": false, "isEnabled": true,
             "nameInCustomerPortal": "Billing", "isVisibleInCustomerPortal": true, "isAssignToTeamEnabled": false,
             "chatStatus": "DISABLED", "hasLogo": false, "sanitizedName": "billing", "createdTime": ago(days: 300), "creatorId": .string(id(13, 1))],
        ]
        // (first, last, profile, role, permission type, departments, confirmed)
        let agentSpecs: [(String, String, Int, Int, String, [String], Bool)] = [
            ("Ada", "Admin", 1, 1, "Admin", [support, billing], true),
            ("Sam", "Lee", 2, 2, "AgentPublic", [support], true),
            ("Priya", "Patel", 2, 3, "AgentPublic", [support, billing], true),
            ("Lee", "Light", 3, 3, "Light", [support], true),
            ("Carla", "Contractor", 4, 3, "Custom", [billing], true),
            ("Dan", "Temp", 4, 3, "Custom", [support], false),
        ]
        let agents: [JSON] = agentSpecs.enumerated().map { i, s in
            let email = "\(s.0.lowercased())@acme.test"
            return ["id": .string(id(13, i + 1)), "zuid": .string(String(60_000_100 + i)), "firstName": .string(s.0), "lastName": .string(s.1),
                    "name": .string("\(s.0) \(s.1)"), "emailId": .string(email), "status": "ACTIVE", "isConfirmed": .bool(s.6),
                    "profileId": .string(id(10, s.2)), "roleId": .string(id(11, s.3)), "rolePermissionType": .string(s.4),
                    "associatedDepartmentIds": .array(s.5.map { .string($0) }), "associatedChatDepartmentIds": [],
                    "langCode": "en_US", "countryCode": "en_GB", "timeZone": "Europe/London", "photoURL": .null,
                    "channelExpert": [], "isZiaAgent": false]
        }
        let teams: [JSON] = [
            ["id": .string(id(14, 1)), "name": "Tier 1", "description": "First response", "departmentId": .string(support),
             "agents": [.string(id(13, 2)), .string(id(13, 3))], "roles": [], "subTeams": [], "logoUrl": .null],
            ["id": .string(id(14, 2)), "name": "Billing Squad", "description": "Refunds and invoices", "departmentId": .string(billing),
             "agents": [.string(id(13, 3)), .string(id(13, 5))], "roles": [.string(id(11, 3))], "subTeams": [], "logoUrl": .null],
        ]
        let hc = id(15, 1)
        let helpCenters: [JSON] = [
            ["id": .string(hc), "name": "Acme Help Center", "isDefault": true, "url": "https://help.acme.test/portal/",
             "status": "ACTIVE", "departmentIds": [.string(support), .string(billing)], "primaryLocale": "en",
             "helpCenterLocales": [["locale": "en", "name": "English", "status": "ACCESIBLE_IN_HELPCENTER", "type": "DEFAULT"]], "locales": ["en"], "isMultilingualEnabled": false,
             "logoUrl": .null, "isEncodedPermalinkAllowed": false],
        ]
        let firstNames = ["Jo", "Ravi", "Mei", "Tom", "Ana", "Kofi", "Liam", "Sara", "Noor", "Ivan", "Zoe", "Omar"]
        let contacts: [JSON] = (1...8).map { n in
            let first = firstNames[n - 1]
            return ["id": .string(id(16, n)), "firstName": .string(first), "lastName": .string("Customer\(n)"), "email": .string("\(first.lowercased())@example.org"),
                    "phone": .string("+44 20 7946 0\(100 + n)"), "accountId": .string(id(17, (n - 1) % 3 + 1)), "type": "Customer",
                    "ownerId": .string(id(13, 2)), "createdTime": ago(days: Double(200 - n * 10)), "modifiedTime": ago(days: Double(n)),
                    "isDeleted": false, "isSpam": false, "isAnonymous": false, "isEndUser": .bool(n <= 6), "accountCount": "1",
                    "customerHappiness": ["badPercentage": "0", "okPercentage": "20", "goodPercentage": "80"]]
        }
        let accounts: [JSON] = [("Globex", "Manufacturing"), ("Initech", "Software"), ("Umbrella", "Healthcare")].enumerated().map { i, a in
            ["id": .string(id(17, i + 1)), "accountName": .string(a.0), "industry": .string(a.1),
             "website": .string("https://\(a.0.lowercased()).test"), "email": .string("info@\(a.0.lowercased()).test"),
             "createdTime": ago(days: 365), "modifiedTime": ago(days: 10), "isDeleted": false, "isTrashed": false, "ownerId": .string(id(13, 2))]
        }
        let users: [JSON] = firstNames.enumerated().map { i, first in
            ["id": .string(id(18, i + 1)), "name": .string("\(first) User"), "emailAddress": .string("\(first.lowercased()).user@example.org"),
             "email": [["emailAddress": .string("\(first.lowercased()).user@example.org"), "isPrimary": true, "isVerified": true]],
             "type": "ENDUSER", "userType": "ENDUSER", "status": .string(i == 11 ? "DISABLED" : "ACTIVE"), "helpCenterId": .string(hc),
             "contactId": i < 8 ? .string(id(16, i + 1)) : .null, "lastAccessedTime": ago(days: Double(i)), "photoUrl": .null]
        }
        let labels: [JSON] = [("Gold", "#D4AF37"), ("Silver", "#C0C0C0"), ("Bronze", "#CD7F32")].enumerated().map { i, l in
            ["id": .string(id(19, i + 1)), "name": .string(l.0), "helpCenterId": .string(hc), "logoUrl": .null,
             "preferences": ["shape": "RECTANGLE", "bgColor": .string(l.1), "textColor": "#000000"],
             "createdTime": ago(days: 90), "modifiedTime": ago(days: 30),
             "creator": ["id": .string(id(13, 1)), "name": "Ada Admin", "photoUrl": .null],
             "modifier": ["id": .string(id(13, 1)), "name": "Ada Admin", "photoUrl": .null]]
        }
        let groups: [JSON] = ["Beta Testers", "Partners", "VIP Customers"].enumerated().map { i, name in
            ["id": .string(id(20, i + 1)), "name": .string(name), "description": .string("\(name) of the help center"),
             "helpCenterId": .string(hc), "status": "ACTIVE", "logoUrl": .null, "isAssociated": false,
             "createdTime": ago(days: 60), "modifiedTime": ago(days: 20),
             "creator": ["id": .string(id(13, 1)), "name": "Ada Admin", "photoUrl": .null],
             "modifier": ["id": .string(id(13, 1)), "name": "Ada Admin", "photoUrl": .null]]
        }
        let badges: [JSON] = [("Top Contributor", false), ("Helpful", false), ("Early Adopter", true)].enumerated().map { i, b in
            ["id": .string(id(21, i + 1)), "name": .string(b.0), "description": .string("Awarded: \(b.0)"), "isCustom": .bool(b.1),
             "iconUrl": .string("https://help.acme.test/badges/\(i + 1).png"), "type": .string(b.1 ? "CUSTOM" : "DEFAULT")]
        }
        // Users 1–4 Gold, 4–8 Silver, 8–11 Bronze (users 4 and 8 carry two labels).
        var labelUsers: [JSON] = []
        for (label, range) in [(1, 1...4), (2, 4...8), (3, 8...11)] {
            for u in range {
                labelUsers.append(["labelId": .string(id(19, label)), "userId": .string(id(18, u)),
                                   "isPrimary": .bool(range.first == u || label == 1), "assignedTime": ago(days: Double(20 - u))])
            }
        }
        var groupUsers: [JSON] = []
        for (group, members) in [(1, [1, 2, 3, 5]), (2, [4, 6]), (3, [1, 7, 9, 10])] {
            for u in members { groupUsers.append(["groupId": .string(id(20, group)), "userId": .string(id(18, u)), "addedTime": ago(days: 15)]) }
        }
        let userBadges: [JSON] = [(1, 1), (1, 2), (2, 2), (5, 3), (9, 1)].map { u, b in
            ["userId": .string(id(18, u)), "badgeId": .string(id(21, b))]
        }

        let statuses = ["Open", "Open", "On Hold", "Closed", "Escalated"]
        let subjects = ["Cannot log in", "Refund request", "Invoice missing", "App crashes on start", "Password reset link expired",
                        "Feature request: dark mode", "Billing address change", "Slow dashboard", "Export to CSV fails", "Two-factor setup",
                        "Wrong currency on invoice", "API rate limit question", "Account merge", "Mobile sync issue", "Cancel subscription",
                        "SSO configuration", "Data deletion request", "Email notifications missing", "Upgrade plan", "Webhook not firing"]
        var tickets: [JSON] = [], threads: [JSON] = [], comments: [JSON] = []
        for (i, subject) in subjects.enumerated() {
            let n = i + 1
            let status = statuses[i % statuses.count]
            let days = Double([1, 3, 5, 8, 12, 20, 25, 29, 35, 45][i % 10]) + Double(i / 10) * 30
            let dept = i % 3 == 2 ? billing : support
            let contact = id(16, i % 8 + 1)
            let ticketId = id(22, n)
            let threadCount = i % 3 + 1, commentCount = i % 4 == 0 ? 2 : (i % 2)
            tickets.append([
                "id": .string(ticketId), "ticketNumber": .string(String(100 + n)), "subject": .string(subject),
                "status": .string(status), "statusType": .string(Tickets.statusType(status)),
                "priority": .string(["High", "Medium", "Low"][i % 3]), "channel": .string(["Email", "Web", "Phone", "Chat"][i % 4]),
                "departmentId": .string(dept), "contactId": .string(contact), "accountId": .string(id(17, i % 8 % 3 + 1)),
                "assigneeId": i % 5 == 4 ? .null : .string(id(13, [2, 3, 5][i % 3])), "teamId": .null,
                "email": .string("\(firstNames[i % 8].lowercased())@example.org"), "phone": .null, "language": "English",
                "createdTime": ago(days: days), "modifiedTime": ago(days: max(0, days - 1)),
                "closedTime": status == "Closed" ? ago(days: max(0, days - 2)) : .null,
                "dueDate": ago(days: days - 3), "threadCount": .string(String(threadCount)),
                "commentCount": .string(String(commentCount)), "webUrl": .string("https://desk.acme.test/support/ShowHomePage.do#Cases/dv/\(ticketId)"),
                "isSpam": false, "description": .string("Customer reports: \(subject.lowercased())."), "cf": [:],
            ])
            for t in 0..<threadCount {
                threads.append([
                    "id": .string(id(23, n * 10 + t)), "_ticketId": .string(ticketId), "channel": "EMAIL",
                    "direction": .string(t % 2 == 0 ? "in" : "out"), "summary": .string(threadSummary(t == 0 ? "Hello, \(subject.lowercased())." : "Thanks, we are looking into it.")),
                    "content": .string(t == 0 ? "Hello, \(subject.lowercased())." : "Thanks, we are looking into it."),
                    "contentType": "plainText", "createdTime": ago(days: days, hours: -Double(t)), "visibility": "public",
                    "fromEmailAddress": .string(t % 2 == 0 ? "customer@example.org" : "support@acme.test"), "isForward": false,
                    "hasAttach": false, "attachmentCount": "0", "status": "SUCCESS",
                ])
            }
            for k in 0..<commentCount {
                comments.append([
                    "id": .string(id(24, n * 10 + k)), "_ticketId": .string(ticketId), "content": .string(k == 0 ? "Checked the logs." : "Escalating to tier 2."),
                    "contentType": "plainText", "isPublic": false, "commenterId": .string(id(13, 2)), "commentedTime": ago(days: days, hours: -2),
                    "modifiedTime": ago(days: days, hours: -2), "attachments": [],
                    "commenter": ["id": .string(id(13, 2)), "name": "Sam Lee", "firstName": "Sam", "lastName": "Lee",
                                  "email": "sam@acme.test", "photoURL": .null, "roleName": "Support Manager", "type": "AGENT"],
                ])
            }
        }
        let tasks: [JSON] = ["Call back Globex", "Prepare refund", "Review SSO setup", "Follow up on crash", "Quarterly review"].enumerated().map { i, s in
            ["id": .string(id(25, i + 1)), "subject": .string(s), "status": .string(i == 4 ? "Completed" : "Not Started"),
             "priority": .string(["High", "Normal", "Low"][i % 3]), "ticketId": i < 4 ? .string(id(22, i + 1)) : .null,
             "departmentId": .string(support), "ownerId": .string(id(13, 2 + i % 2)), "dueDate": ago(days: -Double(i + 1)),
             "createdTime": ago(days: 5), "modifiedTime": ago(days: 1), "isTrashed": false, "isSpam": false, "category": "Follow-up"]
        }
        let products: [JSON] = [("Acme Cloud", "AC-01", "49.00"), ("Acme On-Prem", "AP-02", "499.00"), ("Acme Mobile", "AM-03", "9.00"),
                                ("Premium Support", "PS-04", "199.00")].enumerated().map { i, p in
            ["id": .string(id(26, i + 1)), "productName": .string(p.0), "productCode": .string(p.1), "unitPrice": .string(p.2),
             "productCategory": "Software", "departmentIds": [.string(support)], "isDeleted": false,
             "createdTime": ago(days: 500), "modifiedTime": ago(days: 50), "ownerId": .string(id(13, 1))]
        }
        let articles: [JSON] = ["Resetting your password", "Setting up two-factor authentication", "Understanding your invoice",
                                "Exporting data to CSV"].enumerated().map { i, title in
            ["id": .string(id(27, i + 1)), "title": .string(title), "answer": .string("<p>\(title): step by step.</p>"),
             "status": .string(i == 3 ? "Draft" : "Published"), "permission": "ALL", "locale": "en", "categoryId": .string(id(28, 1)),
             "authorId": .string(id(13, 1)), "departmentId": .string(support), "createdTime": ago(days: 100), "modifiedTime": ago(days: 7),
             "viewCount": .string(String(100 * (i + 1))), "likeCount": "3", "dislikeCount": "0", "commentCount": "0",
             "permalink": .string(title.lowercased().replacingOccurrences(of: " ", with: "-"))]
        }

        return [
            "organizations": [[
                "id": .string(orgId), "companyName": "Acme Support Ltd", "portalName": "acmesupport",
                "portalURL": "https://acmesupport.zohodesk.test/portal/", "alias": "acme", "edition": "ENTERPRISE",
                "isDefault": true, "isAdminInOrg": true, "isSandboxPortal": false, "isPayloadEncryptionEnabled": false,
                "currencyCode": "EUR", "currencySymbol": "€", "currencyLocale": "en_IE", "employeeCount": "50",
                "country": "Ireland", "city": "Dublin", "website": "https://acme.test", "description": "Simulated demo organisation",
            ]],
            "meAgentId": .string(id(13, 1)),
            "profiles": .array(profiles), "roles": .array(roles), "departments": .array(departments), "agents": .array(agents),
            "teams": .array(teams), "helpCenters": .array(helpCenters), "users": .array(users), "labels": .array(labels),
            "groups": .array(groups), "badges": .array(badges), "labelUsers": .array(labelUsers), "groupUsers": .array(groupUsers),
            "userBadges": .array(userBadges), "contacts": .array(contacts), "accounts": .array(accounts), "tickets": .array(tickets),
            "threads": .array(threads), "comments": .array(comments), "tasks": .array(tasks), "products": .array(products),
            "articles": .array(articles),
        ]
    }
}

/// Big fixtures for benchmarks: thousands of label users and lazily generated tickets.
enum BulkFixture {
    static func json(now: Date, labelUsers: Int) -> JSON {
        guard case .object(var root) = DemoFixture.json(now: now) else { return [:] }
        var users = root["users"]?.arrayValue ?? []
        var pairs = root["labelUsers"]?.arrayValue ?? []
        let hc = DemoFixture.id(15, 1), label = DemoFixture.id(19, 1)
        let time = JSON.string(UTCTimestamp.milliseconds(from: now))
        for n in 0..<labelUsers {
            let uid = String(1_892_100_000_000_000 + Int64(n))
            users.append(["id": .string(uid), "name": .string("Bulk User \(n)"), "emailAddress": .string("bulk\(n)@example.org"),
                          "type": "ENDUSER", "status": "ACTIVE", "helpCenterId": .string(hc)])
            pairs.append(["labelId": .string(label), "userId": .string(uid), "isPrimary": false, "assignedTime": time])
        }
        root["users"] = .array(users)
        root["labelUsers"] = .array(pairs)
        return .object(root)
    }

    /// Tickets made from an index: one shared skeleton, a handful of varying fields.
    static func lazyTickets(count: Int, org: OrgState, now: Date) -> LazyRows {
        let base = newRecord("tickets", [
            "departmentId": .string(DemoFixture.id(12, 1)), "contactId": .string(DemoFixture.id(16, 1)),
            "priority": "Medium", "channel": "Email", "threadCount": "0", "commentCount": "0", "language": "English",
        ], id: "0", now: UTCTimestamp.milliseconds(from: now))
        let statuses: [JSON] = ["Open", "On Hold", "Closed"]
        let statusTypes: [JSON] = ["Open", "On Hold", "Closed"]
        let start = now.timeIntervalSince1970
        return LazyRows(count: count, firstId: 1_893_000_000_000_000) { i, id in
            var row = base
            row["id"] = .string(id)
            row["ticketNumber"] = .string(String(100_001 + i))
            row["subject"] = .string("Bulk ticket \(i)")
            row["status"] = statuses[i % 3]
            row["statusType"] = statusTypes[i % 3]
            row["createdTime"] = .string(UTCTimestamp.milliseconds(from: Date(timeIntervalSince1970: start - Double(i) * 60)))
            return row
        }
    }
}
