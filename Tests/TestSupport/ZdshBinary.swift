import Foundation

/// Where the `zdsh` binary under test is, for every test that runs it as a
/// subprocess.
///
/// `swift build --build-tests` puts the binary beside the test bundle, in the
/// same build folder and configuration, so that is where it is looked for:
/// a build with `--scratch-path`, `-c release` or another triple finds its own
/// binary. `ZDSH_TEST_BINARY` names another one (an installed build, say).
///
/// A test that needs the binary calls `required()`: when the binary is
/// missing it throws, and the test fails — it never skips silently.
public enum ZdshBinary {
    /// The package's root folder (this file is Tests/TestSupport/ZdshBinary.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of the binary (it may not exist: see `required()`).
    public static let path: String = {
        if let chosen = ProcessInfo.processInfo.environment["ZDSH_TEST_BINARY"], !chosen.isEmpty { return chosen }
        return testBundleFolder().appendingPathComponent("zdsh").path
    }()

    /// The stdlib/ folder of this checkout.
    public static let stdlib: String = packageRoot.appendingPathComponent("stdlib").path

    /// Whether the binary is there to run.
    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// The binary's path, or an error that fails the test when it is missing.
    public static func required() throws -> String {
        guard isBuilt else { throw Missing(path: path) }
        return path
    }

    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "the zdsh binary is not at \(path): build it with the tests (swift build --build-tests), or set ZDSH_TEST_BINARY"
        }
    }

    /// The folder of the running test executable (…/debug/zdshPackageTests.xctest
    /// on Linux, …/zdshPackageTests.xctest/Contents/MacOS on macOS).
    private static func testBundleFolder() -> URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = (executable.path == "/proc/self/exe" ? Bundle.main.bundleURL : executable).deletingLastPathComponent()
        // macOS: climb out of the .xctest bundle.
        while folder.path.contains(".xctest") { folder.deleteLastPathComponent() }
        return folder
    }
}
