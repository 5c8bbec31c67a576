import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests: spawned with `posix_spawn`, reaped with
/// `waitpid` on its own pid, never waited on without a deadline.
///
/// Foundation's `Process` is not used because on Linux it learns of a child's
/// exit through a socket it leaks into the child: a grandchild that inherits
/// the socket (tmux's server does) hides the exit for as long as it lives, and
/// `waitUntilExit` never returns (swift-corelibs-foundation#4795). Children it
/// starts from a dispatch thread also inherit that thread's blocked signals,
/// so `terminate()` is silently ignored. Here the signal mask and dispositions
/// are reset, the child leads its own process group (a timeout kills the whole
/// group), and output is read until end-of-file or a short grace after exit.
public final class ChildProcess: @unchecked Sendable {
    public enum Input { case null, data(Data) }

    public struct Exit {
        /// The exit code, or 128 + signal number when a signal ended the child.
        public let status: Int32
        /// The signal that ended the child, if one did.
        public let signal: Int32?
        public let stdout: Data
        public let stderr: Data
        /// True when `wait(timeout:)` ran out and killed the child.
        public let timedOut: Bool

        public var out: String { String(decoding: stdout, as: UTF8.self) }
        public var err: String { String(decoding: stderr, as: UTF8.self) }
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    public let pid: pid_t
    private let lock = NSLock()
    private var waitStatus: Int32?
    private let stdoutReader: PipeReader
    private let stderrReader: PipeReader

    /// Starts `executable` (a path) with `arguments`. `environment` nil inherits ours.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil, input: Input = .null) throws {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1], inPipe: [Int32] = [-1, -1]
        guard Self.makePipe(&outPipe), Self.makePipe(&errPipe) else {
            throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch input {
        case .null:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .data:
            guard Self.makePipe(&inPipe) else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), everySignal = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        // glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift; env -C does the same.
        let command = directory.map { ["/usr/bin/env", "-C", $0, executable] } ?? [executable]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var child: pid_t = 0
        let rc = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        close(outPipe[1]); close(errPipe[1])
        if inPipe[0] >= 0 { close(inPipe[0]) }
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            if inPipe[1] >= 0 { close(inPipe[1]) }
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
        stdoutReader = PipeReader(fd: outPipe[0])
        stderrReader = PipeReader(fd: errPipe[0])
        if case .data(let data) = input {
            let fd = inPipe[1]
            Thread.detachNewThread {
                ChildProcess.writeAll(fd, data)
                close(fd)
            }
        }
    }

    deinit {
        if isRunning { kill(-pid, SIGKILL); kill(pid, SIGKILL); _ = reap(block: true) }
    }

    /// Runs to completion; killed (with its process group) after `timeout` seconds.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, input: Input = .null, timeout: Double = 120) throws -> Exit {
        try ChildProcess(executable, arguments, environment: environment, directory: directory, input: input)
            .wait(timeout: timeout)
    }

    public var isRunning: Bool { reap(block: false) == nil }

    /// Sends `signal` to the child (not to its group).
    public func send(_ signal: Int32) { if isRunning { kill(pid, signal) } }

    /// Waits for the child to exit, killing its process group after `timeout`
    /// seconds, then collects what it wrote.
    public func wait(timeout: Double = 120) -> Exit {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        var delay: useconds_t = 1_000
        while reap(block: false) == nil {
            if Date() >= deadline {
                timedOut = true
                kill(-pid, SIGKILL); kill(pid, SIGKILL)
                _ = reap(block: true)
                break
            }
            usleep(delay)
            delay = min(delay * 2, 20_000)
        }
        // A grandchild may hold the pipes open; don't wait on it for long.
        let grace = Date().addingTimeInterval(timedOut ? 0.5 : 3)
        let out = stdoutReader.finish(by: grace), err = stderrReader.finish(by: grace)
        let raw = reap(block: true) ?? 0
        let signalled = (raw & 0x7f) != 0 && (raw & 0x7f) != 0x7f
        let signal = signalled ? raw & 0x7f : nil
        let status = signal.map { 128 + $0 } ?? (raw >> 8) & 0xff
        return Exit(status: status, signal: signal, stdout: out, stderr: err, timedOut: timedOut)
    }

    /// The raw wait status once the child has exited; nil while it runs.
    private func reap(block: Bool) -> Int32? {
        lock.lock(); defer { lock.unlock() }
        if let waitStatus { return waitStatus }
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, block ? 0 : WNOHANG)
            if r == pid { waitStatus = status; return status }
            if r == -1 && errno == EINTR { continue }
            if r == -1 { waitStatus = 0; return 0 }   // not our child any more (cannot happen)
            return nil
        }
    }

    /// A pipe whose ends are closed in every child but the one they are dup'ed into.
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    private static func writeAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }   // the child closed its end
                offset += n
            }
        }
    }
}

/// Drains one pipe on its own thread so the child never blocks on a full pipe.
final class PipeReader: @unchecked Sendable {
    private let fd: Int32
    private let condition = NSCondition()
    private var data = Data()
    private var done = false
    private var stop = false

    init(fd: Int32) {
        self.fd = fd
        Thread.detachNewThread { [self] in loop() }
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            condition.lock(); let stopping = stop; condition.unlock()
            if stopping { break }
            let ready = poll(&poller, 1, 100)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            condition.lock(); data.append(buffer, count: n); condition.unlock()
        }
        close(fd)
        condition.lock(); done = true; condition.broadcast(); condition.unlock()
    }

    /// Everything read, waiting for end-of-file until `deadline`.
    func finish(by deadline: Date) -> Data {
        condition.lock(); defer { condition.unlock() }
        while !done && condition.wait(until: deadline) {}
        if !done {
            stop = true
            while !done { condition.wait() }
        }
        return data
    }
}
