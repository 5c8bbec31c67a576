/// What `zdsh --help` says of `zdsh mcp`: one text for the listing in `zdsh`
/// and the command itself in `zdsh-mcp` (Sources/zdsh-mcp links this file).
package enum McpSummary {
    package static let abstract = "Serve Zoho Desk to an AI assistant over the Model Context Protocol (stdio)."
}
