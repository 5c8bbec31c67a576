import Foundation

/// `path` made absolute against the working folder and normalised, so two
/// spellings of one file (a plan's fixture, a runbook, an upload root)
/// compare equal.
package func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return (path as NSString).standardizingPath }
    return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
}

