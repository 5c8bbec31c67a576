import Foundation

/// A duration as people type it on a command line: `90s`, `45m`, `24h`, `7d`
/// (a bare number is seconds). `--max-plan-age` and `audit tail --since`
/// read the same words.
package enum DurationText {
    package static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var number = Substring(text.trimmingCharacters(in: .whitespaces)), unit = 1.0
        if let last = number.last, let u = units[last] { unit = u; number = number.dropLast() }
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        return value * unit
    }
}
