// swift-tools-version:6.0
import PackageDescription

// The folder layout mirrors the architecture: a C shim under the Lua host, a
// Zoho-agnostic Lua host, a Lua-agnostic Desk core, the generated catalog, the
// simulator, and the shell that joins them for the `zdsh` command line (in
// layers: ShellCore → DeskGate → Runbooks → PlanApply, DeskRepl, ScenarioTesting).
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
        // Already in the graph through hummingbird; the simulator's server runs
        // in a ServiceGroup of its own so tests can stop it gracefully.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        // `-o csv`: its CSVWriter writes RFC 4180 (quotes, doubled quotes, CRLF).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
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
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The shell, in layers, each folder owning one part of the architecture:
        // what every command shares (terminal text, formatting, exit codes);
        .target(name: "ShellCore", dependencies: [
            "LuaHost", "JSONValue", "DeskCatalog", "DeskCore", .product(name: "CSV", package: "CSV.swift"),
        ]),
        // the one gate from Lua to Desk (arguments, policy, budgets, audit,
        // journal, the plan a dry run records);
        .target(name: "DeskGate", dependencies: [
            "ShellCore", "LuaHost", "JSONValue", "DeskCatalog", "DeskCore", "DeskSim",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // runbooks: sessions, bindings, the loader and the runner;
        .target(name: "Runbooks", dependencies: [
            "DeskGate", "ShellCore", "LuaHost", "JSONValue", "DeskCatalog", "DeskCore", "DeskSim",
        ]),
        // applying a plan, checked again against the world;
        .target(name: "PlanApply", dependencies: ["Runbooks", "DeskGate", "ShellCore", "JSONValue", "DeskCatalog", "DeskCore"]),
        // the interactive REPL;
        .target(name: "DeskRepl", dependencies: [
            "Runbooks", "DeskGate", "ShellCore", "LuaHost", "JSONValue", "DeskCatalog", "DeskCore", "CEditLine",
        ]),
        // scenario tests of runbooks against the simulator or cassettes.
        .target(name: "ScenarioTesting", dependencies: [
            "Runbooks", "PlanApply", "DeskGate", "ShellCore", "LuaHost", "JSONValue", "DeskCatalog", "DeskCore", "DeskSim",
        ]),
        // zdsh check / zdsh new: runbooks checked before they run, with the gate's own validator.
        .target(name: "RunbookCheck", dependencies: ["DeskGate", "ShellCore", "LuaHost", "DeskCatalog", "JSONValue"]),
        // The MCP server: assistants reach Desk through the same policy, plans and audit.
        .target(
            name: "DeskMCP",
            dependencies: [
                "ShellCore", "DeskGate", "Runbooks", "PlanApply", "DeskCatalog", "DeskCore", "DeskSim", "LuaHost", "JSONValue",
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
        // What zdsh and zdsh-mcp share on their command lines: the target and
        // sandbox option groups, value completions, the version line, and
        // the one way a command ends (exit codes, error text).
        .target(name: "CommandOptions", dependencies: [
            "ShellCore", "DeskGate", "Runbooks", "RunbookCheck", "LuaHost", "DeskCore", "DeskCatalog", "JSONValue",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "zdsh", dependencies: [
            "ShellCore", "DeskGate", "Runbooks", "PlanApply", "DeskRepl", "ScenarioTesting", "RunbookCheck", "CommandOptions",
            "LuaHost", "DeskCore", "DeskCatalog", "DeskSim", "JSONValue",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // `zdsh mcp`'s executable (see products), with zdsh's option groups.
        .executableTarget(name: "zdsh-mcp", dependencies: [
            "CommandOptions", "ShellCore", "DeskGate", "Runbooks", "PlanApply", "DeskMCP", "LuaHost", "DeskCore", "JSONValue",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Test-only: child processes spawned and reaped without Foundation's Process.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "JSONValueTests", dependencies: ["JSONValue"]),
        .testTarget(name: "LuaHostTests", dependencies: ["TestSupport", "DeskSim", "LuaHost", "JSONValue", "CLua", "CLuaShim"]),
        .testTarget(name: "DeskCatalogTests", dependencies: ["TestSupport", "DeskCatalog"]),
        .testTarget(name: "DeskCoreTests", dependencies: ["TestSupport", "DeskCore", "DeskCatalog", "JSONValue"]),
        .testTarget(name: "DeskSimTests", dependencies: ["TestSupport", "DeskSim", "DeskCore", "DeskCatalog", "JSONValue"]),
        .testTarget(name: "ShellTests", dependencies: ["TestSupport", "ShellCore", "DeskGate", "Runbooks", "PlanApply", "DeskRepl", "ScenarioTesting", "RunbookCheck", "LuaHost", "DeskCore", "DeskSim", "DeskCatalog", "JSONValue"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"], exclude: ["check-corpus"]),
        // In-process checks of zdsh's own command line (the executable's module).
        .testTarget(name: "CommandLineTests", dependencies: ["zdsh", "Runbooks"]),
        .testTarget(name: "ReplTests", dependencies: ["TestSupport", "ShellCore", "DeskGate", "Runbooks", "PlanApply", "DeskRepl", "ScenarioTesting", "JSONValue"]),
        .testTarget(name: "ReliabilityTests", dependencies: ["TestSupport", "ShellCore", "DeskGate", "Runbooks", "PlanApply", "DeskRepl", "ScenarioTesting", "LuaHost", "DeskCore", "DeskSim", "DeskCatalog", "JSONValue"]),
        .testTarget(name: "ScenarioTests", dependencies: ["TestSupport", "ShellCore", "DeskGate", "Runbooks", "PlanApply", "DeskRepl", "ScenarioTesting", "DeskSim", "DeskCore", "LuaHost", "JSONValue"]),
    ],
    // Swift 6: complete concurrency checking, data races are errors.
    swiftLanguageModes: [.v6]
)

