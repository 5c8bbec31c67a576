import LuaHost

/// What `zdsh --version` prints: one text for zdsh and zdsh-mcp (Sources/zdsh-mcp
/// links this file), so `zdsh mcp --version` and its help say the same.
package enum ZdshRelease {
    package static let number = "0.1.0"
    package static var versionLine: String { "zdsh \(number) (\(LuaHost.luaRelease))" }
}
