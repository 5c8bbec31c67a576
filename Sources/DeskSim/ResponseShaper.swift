import DeskCatalog
import JSONValue

/// Fits a stateful handler's answer to the operation's documented success
/// schema the way Zoho's own views do: a closed object carries only its
/// documented fields (list views are narrower than a record), and a required
/// field the stored record lacks is null, or a value of its type where null is not allowed.
/// Values that are present are never rewritten: a wrong enum in a fixture is a
/// fixture bug the conformance tests must see.
struct ResponseShaper {
    let instance: SchemaInstance

    func shape(_ value: JSON, _ s: Schema, depth: Int = 0) -> JSON {
        guard depth < 16 else { return value }
        // oneOf/anyOf: the branch it meets as it is; else the first it meets once fitted
        // without losing a field; else the first it meets once fitted; else the loose union.
        if !s.anyOf.isEmpty, value != .null {
            if s.anyOf.contains(where: { SchemaFit.fits(value, $0) }) { return value }
            let fitted = s.anyOf.map { shape(value, $0, depth: depth) }
            let keys = Set(value.objectValue?.keys ?? [:].keys)
            let fits = s.anyOf.indices.filter { SchemaFit.fits(fitted[$0], s.anyOf[$0]) }
            if let whole = fits.first(where: { keys.isSubset(of: Set(fitted[$0].objectValue?.keys ?? [:].keys)) }) { return fitted[whole] }
            if let first = fits.first { return fitted[first] }
        }
        switch value {
        case .object(let o):
            // A closed object that documents no field (search's `zohoCRMContact`) carries none.
            guard let props = s.properties else { return s.additionalProperties ? value : .object([:]) }
            var out: [String: JSON] = [:]
            for (k, v) in o {
                if let sub = props[k] { out[k] = shape(v, sub, depth: depth + 1) } else if s.additionalProperties { out[k] = v }
            }
            // A field the record does not have is null where the schema allows it (stable
            // across reads, and what Zoho sends for an unset field); only a non-nullable
            // one gets a value of its type.
            for r in s.requiredProperties where out[r] == nil {
                let sub = props[r] ?? Schema()
                out[r] = SchemaFit.fits(.null, sub) ? .null : instance.value(sub, name: r, depth: depth + 1)
            }
            return .object(out)
        case .array(let items):
            guard let item = s.items else { return value }
            return .array(items.map { shape($0, item, depth: depth + 1) })
        default:
            return value
        }
    }
}
