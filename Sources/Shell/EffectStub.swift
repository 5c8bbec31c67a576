import DeskCatalog
import JSONValue

// TEMPORARY: stands in for the effect-rules catalog until it lands.
public struct EffectRule: Sendable, Hashable {
    public let id: String
    public let operationId: String
    public let reason: String
}

public struct CallClassification: Sendable, Equatable {
    public let safety: Safety
    public let rule: EffectRule?
    public let unbounded: Bool
}

extension DeskCatalog.Operation {
    public var effectRules: [EffectRule] { [] }
    public func classify(query: [String: String], body: JSON?) -> CallClassification {
        CallClassification(safety: safety, rule: nil, unbounded: id == "emptyRecycleBin" || path.hasSuffix("/deleteAll"))
    }
}

// TEMPORARY: the escaping helper lands with the terminal work.
extension Terminal {
    public static func visible(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) { out += "\\x" + String(format: "%02X", u.value) }
            else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
