import JSONValue
import LuaHost

/// Where a spec error in `runbook{…}` is reported: "file.lua:7: ".
///
/// `runbook` cannot raise at level 2 and trust the answer: a runbook usually
/// ends with `return runbook{…}`, a tail call, so its caller's frame is gone
/// and level 2 is zdsh's driver (`zdsh:describe:4`), which means nothing to
/// the author. So, in order: the calling line when the caller is still on the
/// stack; else the line where the spec's `main` is defined (inside the same
/// table); else the runbook file without a line.
package enum RunbookSpecLocation {
    /// `where(spec)` → "file:line: ", "file: " or "".
    package static func hostFunction(_ call: HostCall) -> HostResult {
        // Level 0 is this host function, 1 the library's `bad`, 2 the
        // `runbook` function, 3 its caller.
        if let runbook = call.frame(at: 2), !runbook.isTailCall,
           let caller = call.frame(at: 3), let place = userPlace(caller.place, line: caller.place.line) {
            return .value(.string(place))
        }
        if let main = call.definition(ofField: "main", inTableAt: 1), let place = userPlace(main, line: main.line) {
            return .value(.string(place))
        }
        // The driver holds the runbook's compiled chunk as its first local.
        var level: Int32 = 3
        while call.frame(at: level) != nil {
            if let chunk = call.definitionOfFirstLocal(atLevel: level), let place = userPlace(chunk, line: -1) {
                return .value(.string(place))
            }
            level += 1
        }
        return .value(.string(""))
    }

    /// "short_src:line: " for a frame or function of the user's own code.
    private static func userPlace(_ place: SourcePlace, line: Int32) -> String? {
        guard place.isFile else { return nil }
        return line > 0 ? "\(place.shortSource):\(line): " : "\(place.shortSource): "
    }
}
