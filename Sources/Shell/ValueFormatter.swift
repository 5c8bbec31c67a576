import JSONValue
import LuaHost

/// Renders values returned by a chunk for people (default) or machines (--json).
public enum ValueFormatter {
    public static func human(_ value: RunValue) -> String {
        switch value {
        case .opaque(let d): return d
        case .json(let j): return human(j)
        }
    }

    public static func human(_ json: JSON) -> String {
        switch json {
        case .string(let s): return s
        case .null: return "nil"
        case .int, .double, .bool: return json.encoded()
        case .array, .object: return json.encoded(.pretty)
        }
    }

    public static func machine(_ values: [RunValue]) -> String {
        let items: [JSON] = values.map {
            switch $0 {
            case .json(let j): return j
            case .opaque(let d): return .string(d)
            }
        }
        return (items.count == 1 ? items[0] : .array(items)).encoded(.pretty)
    }
}
