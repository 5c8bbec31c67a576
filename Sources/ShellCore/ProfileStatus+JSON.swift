import DeskCore
import Foundation
import JSONValue

package extension ProfileStatus {
    /// `zdsh auth status --json`: the profile without a secret (a client id
    /// is not one; whether a refresh token is stored is all that is said of it).
    var json: JSON {
        var o: [String: JSON] = [
            "profile": .string(profile), "data_centre": .string(dataCenter.rawValue),
            "accounts_url": .string(accountsURL), "api_url": .string(apiURL), "client_id": .string(clientId),
            "has_refresh_token": .bool(hasRefreshToken),
        ]
        if let orgId { o["org"] = .string(orgId) }
        if let portal { o["portal"] = .string(portal) }
        if let helpCenterId { o["help_center"] = .string(helpCenterId) }
        if let scopes { o["scopes"] = .array(scopes.map(JSON.string)) }
        if let accessTokenExpiry { o["access_token_expires"] = .string(UTCTimestamp.string(from: accessTokenExpiry)) }
        if let note { o["note"] = .string(note) }
        return .object(o)
    }
}
