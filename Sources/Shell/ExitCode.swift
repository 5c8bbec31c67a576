/// zdsh's exit codes (DEVELOPERS.md): scripts and CI branch on them.
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    case luaError = 1
    case usage = 2
    case denied = 3
    case limit = 4
    case apiError = 5
}
