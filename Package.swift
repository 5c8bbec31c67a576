// swift-tools-version:6.0
import PackageDescription

// The folder layout mirrors the architecture: a C shim under the Lua host, a
// Zoho-agnostic Lua host, a Lua-agnostic Desk core, the generated catalog, the
// simulator, and the shell that joins them for the `zdsh` command line.
let package = Package(
    name: "zdsh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "zdsh", targets: ["zdsh"]),
        // `zdsh mcp` runs this one, installed beside zdsh: the MCP SDK (and the
        // libcurl it brings through URLSession) stays out of every other command's start.
        .executable(name: "zdsh-mcp", targets: ["zdsh-mcp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.0"),
        // Already in the graph through async-http-client and hummingbird;
        // declared because DeskCore and DeskSim import them directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        // Already in the graph through async-http-client; `zdsh mcp --http --tls-cert` serves HTTPS with it.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua", pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(
            name: "CEditLine", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        .target(name: "JSONValue"),
        .target(name: "LuaHost", dependencies: ["CLua", "CLuaShim", "JSONValue"]),
        .target(name: "DeskCatalog", dependencies: ["JSONValue"]),
        .target(name: "DeskCore", dependencies: [
            "JSONValue", "DeskCatalog",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "DeskSim", dependencies: [
            "JSONValue", "DeskCatalog", "DeskCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            // Only for the Logger Hummingbird's Application takes (quietened).
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Shell", dependencies: [
            "LuaHost", "JSONValue", "DeskCatalog", "DeskCore", "DeskSim", "CEditLine",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The MCP server: assistants reach Desk through the same policy, plans and audit.
        .target(
            name: "DeskMCP",
            dependencies: [
                "Shell", "DeskCatalog", "DeskCore", "DeskSim", "LuaHost", "JSONValue",
                .product(name: "MCP", package: "swift-sdk"),
                // The Logger the SDK's Transport protocol asks for (silenced).
                .product(name: "Logging", package: "swift-log"),
                // `zdsh mcp --http`: the web server, and hashes of its bearer tokens.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(name: "zdsh", dependencies: [
            "Shell", "LuaHost", "DeskCore", "DeskCatalog", "DeskSim", "JSONValue",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Its option groups are zdsh's own files, linked into Sources/zdsh-mcp.
        .executableTarget(name: "zdsh-mcp", dependencies: [
            "Shell", "DeskMCP", "LuaHost", "DeskCore", "JSONValue",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Test-only: child processes spawned and reaped without Foundation's Process.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "JSONValueTests", dependencies: ["JSONValue"]),
        .testTarget(name: "LuaHostTests", dependencies: ["DeskSim", "LuaHost", "JSONValue", "CLua", "CLuaShim"]),
        .testTarget(name: "DeskCatalogTests", dependencies: ["TestSupport", "DeskCatalog"]),
        .testTarget(name: "DeskCoreTests", dependencies: ["TestSupport", "DeskCore", "DeskCatalog", "JSONValue"]),
        .testTarget(name: "DeskSimTests", dependencies: ["DeskSim", "DeskCore", "DeskCatalog", "JSONValue"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "LuaHost", "DeskCore", "DeskSim", "DeskCatalog", "JSONValue"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
        .testTarget(name: "ReplTests", dependencies: ["TestSupport", "Shell", "JSONValue"]),
        .testTarget(name: "ReliabilityTests", dependencies: ["TestSupport", "Shell", "LuaHost", "DeskCore", "DeskSim", "DeskCatalog", "JSONValue"]),
        .testTarget(name: "ScenarioTests", dependencies: ["TestSupport", "Shell", "DeskSim", "DeskCore", "LuaHost", "JSONValue"]),
    ],
    // Swift 6: complete concurrency checking, data races are errors.
    swiftLanguageModes: [.v6]
)

