import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folders sandboxed code may read files from (a runbook's own folder, a
/// test folder, the shipped stdlib), and the one way to read a file there.
///
/// A path is judged by where it really leads, never by how it is spelt:
/// symbolic links and `..` are resolved first, and the real path must lie
/// inside one of the real roots. A link in the runbook's folder pointing at a
/// secrets file, or a linked folder reaching the parent, is refused before a
/// byte is read — so nothing of such a file can surface, not even in a
/// syntax error quoting the text near it.
public struct ConfinedFiles: Sendable {
    /// Why a path was not read.
    public enum Refusal: Error, Equatable, Sendable {
        /// The real path lies outside every root (through a link, or `..`).
        case outside
        /// A symbolic link to nothing (or a path that cannot be resolved).
        case dangling
        /// A folder, device, FIFO or socket.
        case notARegularFile
        /// Larger than `maximumSize`.
        case tooLarge(limit: Int)
        /// The system refused to read it (the reason).
        case unreadable(String)

        /// Why, as a clause: "it is not a regular file".
        public var reason: String {
            switch self {
            case .outside: return "it leads outside the allowed folders through a symbolic link"
            case .dangling: return "it is a symbolic link that leads nowhere"
            case .notARegularFile: return "it is not a regular file"
            case .tooLarge(let limit): return "it is larger than \(limit >> 20) MB"
            case .unreadable(let why): return why
            }
        }
    }

    /// The roots as given (for messages).
    public let roots: [String]
    /// Their real paths; roots that do not exist are left out.
    let realRoots: [String]
    /// Larger files are refused: a runbook's module or fixture never is this big.
    public static let maximumSize = 16 << 20

    /// Files under `roots` only (resolved once, now).
    public init(roots: [String]) {
        self.roots = roots
        realRoots = roots.compactMap(Self.realPath)
    }

    /// `path` with every link and `..` resolved; nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// True when `realPath` (already resolved) is a root or lies under one.
    public func contains(realPath: String) -> Bool {
        realRoots.contains { root in
            realPath == root || realPath.hasPrefix(root == "/" ? "/" : root + "/")
        }
    }

    /// Whether `path` exists at all (a dangling link counts: it is refused
    /// later rather than silently skipped).
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// The contents of `path`, or nil when there is no such file. Throws when
    /// the file is outside the roots or cannot be read as a regular file, or
    /// is larger than `maximumSize` (checked before a byte is read).
    public func read(_ path: String, maximumSize: Int = ConfinedFiles.maximumSize) throws -> Data? {
        guard Self.exists(path) else { return nil }
        guard let real = Self.realPath(path) else { throw Refusal.dangling }
        guard contains(realPath: real) else { throw Refusal.outside }
        // No link is followed from here on, and the descriptor is checked
        // again: a link swapped in after the check above cannot redirect the read.
        let fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Refusal.unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Refusal.unreadable(String(cString: strerror(errno))) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw Refusal.notARegularFile }
        if let opened = Self.pathOf(descriptor: fd), !contains(realPath: opened) { throw Refusal.outside }
        guard Int(st.st_size) <= maximumSize else { throw Refusal.tooLarge(limit: maximumSize) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Refusal.unreadable(String(cString: strerror(errno)))
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            guard data.count <= maximumSize else { throw Refusal.tooLarge(limit: maximumSize) }
        }
        return data
    }

    /// Where an open descriptor really points (Linux: /proc/self/fd); nil
    /// where the system does not say.
    static func pathOf(descriptor fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
