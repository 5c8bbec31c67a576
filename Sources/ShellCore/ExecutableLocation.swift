import Foundation

/// The folder of the running executable, symlinks resolved.
///
/// argv[0] is no guide: started through PATH it is a bare "zdsh". On Linux
/// the kernel's /proc/self/exe names the file itself; elsewhere argv[0] is
/// the best there is. What ships beside zdsh (zdsh-mcp, ../share/zdsh) is
/// found from here.
package enum ExecutableLocation {
    package static let folder: URL = {
        let proc = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let file = proc.path == "/proc/self/exe"
            ? URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            : proc
        return file.deletingLastPathComponent()
    }()
}
