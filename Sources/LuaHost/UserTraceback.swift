/// A Lua traceback cut to the frames a runbook's author wrote.
///
/// zdsh's trusted chunks are named "=zdsh:…" (the prelude, the `desk`
/// wrappers, the drivers that run a file). Their frames say nothing about the
/// user's program — `zdsh:desk:48: in field 'get'` is where every binding
/// call goes through — so they are left out, together with what belongs to
/// them: a C function they called (`[C]: in upvalue 'call'`, the `error`
/// that raised a spec error) and the `(...tail calls...)` marker a driver's
/// tail call leaves. The user's own frames, C functions the user called
/// included, stay as Lua prints them.
public enum UserTraceback {
    /// `traceback` without internal frames; "" when no frame is left.
    public static func filter(_ traceback: String) -> String {
        let lines = traceback.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.first, header.hasPrefix("stack traceback:") else { return traceback }
        let frames = Array(lines.dropFirst())
        var drop = frames.map(isInternal)
        // Innermost first: a C frame (or a tail-call marker) directly above an
        // internal frame was called by zdsh, not by the user.
        for i in stride(from: frames.count - 1, through: 0, by: -1) where !drop[i] {
            let t = trimmed(frames[i])
            guard t.hasPrefix("[C]:") || isTailMarker(t) else { continue }
            if i + 1 < frames.count, drop[i + 1] { drop[i] = true }
        }
        // A tail-call marker below an internal frame belongs to it too.
        for i in frames.indices where !drop[i] && isTailMarker(trimmed(frames[i])) {
            if i > 0, drop[i - 1] { drop[i] = true }
        }
        let kept = frames.indices.filter { !drop[$0] }.map { frames[$0] }
        guard kept.contains(where: { !trimmed($0).hasPrefix("...") }) else { return "" }
        return ([header] + kept).joined(separator: "\n")
    }

    /// A frame in one of zdsh's own chunks.
    static func isInternal(_ line: String) -> Bool {
        trimmed(line).hasPrefix("zdsh:")
    }

    static func isTailMarker(_ t: String) -> Bool { t == "(...tail calls...)" }

    static func trimmed(_ line: String) -> String {
        String(line.drop { $0 == "\t" || $0 == " " })
    }
}
