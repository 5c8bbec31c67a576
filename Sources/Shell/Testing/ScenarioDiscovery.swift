import Foundation

/// Finds scenario files: paths given as files are taken as they are; folders
/// are searched recursively for `*_test.lua`, skipping hidden folders and
/// `.build`. Results are sorted within each folder so runs repeat.
public enum ScenarioDiscovery {
    public static let suffix = "_test.lua"

    public static func files(in paths: [String]) throws -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        let fm = FileManager.default
        for path in paths.isEmpty ? ["."] : paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw UsageError("no such file or folder: \(path)")
            }
            var found: [String] = []
            if isDir.boolValue {
                guard let e = fm.enumerator(atPath: path) else { continue }
                while let rel = e.nextObject() as? String {
                    let name = (rel as NSString).lastPathComponent
                    if name.hasPrefix(".") || name == ".build" {
                        e.skipDescendants()
                        continue
                    }
                    if name.hasSuffix(suffix) { found.append((path as NSString).appendingPathComponent(rel)) }
                }
                found.sort()
            } else {
                found = [path]
            }
            for f in found where seen.insert(f).inserted { out.append(f) }
        }
        return out
    }
}
