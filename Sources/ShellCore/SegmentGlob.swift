/// A policy glob: `*` matches within one segment (never the separator),
/// or, as the glob's very last character, any rest. Everything else matches
/// itself. Linear in the text per segment, so a hostile name or path (a
/// runbook's raw request) cannot make matching slow.
package struct SegmentGlob: Sendable, Equatable {
    private let segments: [[UInt8]]
    private let separator: UInt8
    /// Ends in `*`: the last segment may be followed by any rest.
    private let open: Bool

    package init(_ glob: String, separator: Character) {
        let sep = separator.asciiValue ?? UInt8(ascii: "/")
        self.separator = sep
        segments = Array(glob.utf8).split(separator: sep, omittingEmptySubsequences: false).map(Array.init)
        open = glob.hasSuffix("*")
    }

    package func matches(_ text: String) -> Bool {
        let parts = Array(text.utf8).split(separator: separator, omittingEmptySubsequences: false)
        guard open ? parts.count >= segments.count : parts.count == segments.count else { return false }
        return zip(segments, parts).allSatisfy { Self.match($0, Array($1)) }
    }

    /// Wildcard matching within one segment: on a mismatch, the most recent
    /// `*` takes one more character (a later star can do all an earlier one
    /// could, so no deeper backtracking is needed).
    static func match(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        let star = UInt8(ascii: "*")
        var p = 0, t = 0
        var lastStar: Int?, resumeAt = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == star {
                lastStar = p
                resumeAt = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let s = lastStar {
                p = s + 1
                resumeAt += 1
                t = resumeAt
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}
