import Foundation

/// Locates the repository (and Zoho's spec next to it) from this source file, so
/// tests that run the generator work from any build directory.
enum RepoPaths {
    static let root: URL? = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("scripts/gen-catalog").path) {
                return dir
            }
            dir.deleteLastPathComponent()
        }
        return nil
    }()

    static var specDirectory: URL? {
        guard let root else { return nil }
        let spec = root.deletingLastPathComponent().appendingPathComponent("shared/zoho-desk-oas")
        return FileManager.default.fileExists(atPath: spec.path) ? spec : nil
    }
}
