import DeskCatalog
import JSONValue

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
