import MCP

/// The tools an assistant sees: names, what each does and when to use it,
/// a JSON Schema for its arguments and one for its structured result, and
/// annotations that tell the truth for the server's mode — a read-only
/// server lists only what it allows.
enum ToolCatalog {
    static let searchOperations = "search_operations"
    static let describeOperation = "describe_operation"
    static let query = "query"
    static let runLua = "run_lua"
    static let applyPlan = "apply_plan"
    static let listRunbooks = "list_runbooks"
    static let describeRunbook = "describe_runbook"
    static let runRunbook = "run_runbook"
    static let undo = "undo"

    /// Arguments each tool accepts (anything else is refused).
    static let arguments: [String: Set<String>] = [
        searchOperations: ["query", "destructive_only", "limit"],
        describeOperation: ["name"],
        query: ["code"],
        runLua: ["code", "dry_run"],
        applyPlan: ["plan_id"],
        listRunbooks: [],
        describeRunbook: ["runbook"],
        runRunbook: ["runbook", "params", "dry_run"],
        undo: ["run_id"],
    ]

    /// Tools that change Zoho Desk (planned, then applied): hidden by --read-only.
    static let changing: Set<String> = [runLua, applyPlan, runRunbook, undo]

    /// What the server's mode makes true of its tools.
    struct Mode {
        var readOnly: Bool
        /// Whether the operator granted any destructive operation at all.
        var destructiveGranted: Bool
    }

    static func all(_ mode: Mode) -> [Tool] {
        let tools = reading + changingTools(mode)
        return mode.readOnly ? tools.filter { !changing.contains($0.name) } : tools
    }

    static func names(_ mode: Mode) -> [String] { all(mode).map(\.name) }

    private static let reading: [Tool] = [
        Tool(name: searchOperations, title: "Search Zoho Desk operations",
             description: "Find Zoho Desk API operations by words: Lua names (desk.tickets.list), paths, parameter names and their values (e.g. 'overdue', 'unassign ticket', 'search users email'). Ranked best first. Each row gives the Lua name to call, HTTP method, path and safety (read, write, destructive). Use it before writing Lua.",
             inputSchema: schema(["query": ["type": "string", "description": "Words to look for, e.g. 'ticket overdue' or 'labels delete'. Empty lists everything."],
                                  "destructive_only": ["type": "boolean", "description": "Only operations that are destructive (always or under some arguments)."],
                                  "limit": ["type": "integer", "minimum": 1, "maximum": 200, "description": "At most this many rows (default 20)."]],
                                 required: ["query"]),
             annotations: .init(readOnlyHint: true, idempotentHint: true, openWorldHint: false),
             outputSchema: object(["matches": "integer", "operations": "array", "more": "boolean"])),
        Tool(name: describeOperation, title: "Describe one operation",
             description: "Everything about one operation: how to call it from Lua (positional ids, then an options table), its parameters (with allowed values) and body fields, scopes, and when it is destructive (effect rules).",
             inputSchema: schema(["name": ["type": "string", "description": "A Lua name (desk.profiles.delete), desk.api.<operationId>, or an operationId."]],
                                 required: ["name"]),
             annotations: .init(readOnlyHint: true, idempotentHint: true, openWorldHint: false),
             outputSchema: object(["name": "string", "operation": "string", "method": "string", "path": "string", "safety": "string"])),
        Tool(name: query, title: "Read Zoho Desk with Lua",
             description: "Run Lua 5.4 that only READS Zoho Desk (desk.*, helpcenter.*, desk.api.<operationId>{…}, json.*): every write is refused. `return` what you need (only the fields you need); print output is returned too. Use it for every read; use run_lua to plan changes.",
             inputSchema: schema(["code": ["type": "string", "description": "Lua code, e.g. `return desk.tickets.list{limit = 5}`."]], required: ["code"]),
             annotations: .init(readOnlyHint: true, idempotentHint: true, openWorldHint: true),
             outputSchema: runSchema),
        Tool(name: listRunbooks, title: "List runbooks",
             description: "The runbooks the operator provides (reviewed Lua jobs): name, description, typed parameters (params_schema, a JSON Schema), the destructive operations each may perform, risk tags.",
             inputSchema: schema([:], required: []),
             annotations: .init(readOnlyHint: true, idempotentHint: true, openWorldHint: false),
             outputSchema: object(["runbooks": "array"])),
        Tool(name: describeRunbook, title: "Describe a runbook",
             description: "One runbook's description, parameters (JSON Schema in params_schema) and declared destructive operations.",
             inputSchema: schema(["runbook": ["type": "string", "description": "The runbook's name, as list_runbooks gives it."]], required: ["runbook"]),
             annotations: .init(readOnlyHint: true, idempotentHint: true, openWorldHint: false),
             outputSchema: object(["runbook": "string", "params_schema": "object"])),
    ]

    private static func changingTools(_ mode: Mode) -> [Tool] {
        let destructive = mode.destructiveGranted
        let sending = "With dry_run=false the plan is applied at once, as apply_plan applies it: re-checked, confirmed by the user where the operator requires it (destructive calls always, customer-facing calls and large writes by default), then sent — all or nothing."
        return [
            Tool(name: runLua, title: "Plan (or make) Zoho Desk changes with Lua",
                 description: "Run Lua 5.4 in zdsh's sandbox with the Zoho Desk bindings. DRY RUN BY DEFAULT: reads are executed; writes and destructive calls are recorded as a plan (returned with an id) instead of being sent. Read the plan, tell the user what it does, then call apply_plan with its id. \(sending) For reads only, use query.",
                 inputSchema: schema(["code": ["type": "string", "description": "Lua code, e.g. `for _, t in ipairs(desk.tickets.list{status = 'Open'}) do desk.tickets.update(t.id, {priority = 'High'}) end`."],
                                      "dry_run": ["type": "boolean", "default": true, "description": "Only plan (default true). false: plan, confirm, then apply."]],
                                     required: ["code"]),
                 annotations: .init(readOnlyHint: false, destructiveHint: destructive, idempotentHint: false, openWorldHint: true),
                 outputSchema: runSchema),
            Tool(name: applyPlan, title: "Apply a plan from a dry run",
                 description: "Send the calls of a plan an earlier dry run in this session returned (run_lua or run_runbook), by its id. The plan is re-derived and re-checked against the operator's grants and caps before anything is sent; destructive calls need the operator's grant AND the user's confirmation, which is asked through your client. One refused call refuses the whole plan. A plan applies once.",
                 inputSchema: schema(["plan_id": ["type": "string", "description": "The plan id a dry run returned."]], required: ["plan_id"]),
                 annotations: .init(readOnlyHint: false, destructiveHint: destructive, idempotentHint: false, openWorldHint: true),
                 outputSchema: object(["plan_id": "string", "status": "string", "applied": "boolean", "report": "string"])),
            Tool(name: runRunbook, title: "Run a runbook",
                 description: "Run one of the operator's runbooks with typed parameters. DRY RUN BY DEFAULT: returns the plan of what it would change (apply it with apply_plan). \(sending)",
                 inputSchema: schema(["runbook": ["type": "string", "description": "The runbook's name, as list_runbooks gives it."],
                                      "params": ["type": "object", "description": "Parameters by name, typed as describe_runbook's params_schema says."],
                                      "dry_run": ["type": "boolean", "default": true, "description": "Only plan (default true). false: plan, confirm, then apply."]],
                                     required: ["runbook"]),
                 annotations: .init(readOnlyHint: false, destructiveHint: destructive, idempotentHint: false, openWorldHint: true),
                 outputSchema: runSchema),
            Tool(name: undo, title: "Plan the undo of a run",
                 description: "Make the inverse plan of an earlier run or apply (its run id: apply_plan's changes are journalled under plan-<plan_id>): field updates set back, membership adds removed and removes added back, records moved to the trash restored, records created deleted. Nothing is sent: it returns a plan id and the calls it cannot undo (replies sent, hard deletes, …). Show both to the user, then apply_plan applies it; a record changed since the run is not reverted (the plan is refused as stale).",
                 inputSchema: schema(["run_id": ["type": "string", "description": "The run to revert, e.g. plan-20260101T120000Z-1a2b3c."]], required: ["run_id"]),
                 annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false),
                 outputSchema: object(["run_id": "string", "status": "string", "plan_id": "string", "plan": "object",
                                       "not_undone": "array", "report": "string", "next": "string"])),
        ]
    }

    /// What a Lua run returns (run_lua, query, run_runbook).
    static let runSchema = object(["run_id": "string", "dry_run": "boolean", "status": "string", "summary": "string",
                                   "output": "string", "error": "string", "plan": "object", "apply": "object",
                                   "denied": "array", "truncated": "array", "truncated_note": "string", "next": "string"],
                                  anyValued: ["result"], required: ["status", "summary"])

    private static func object(_ typed: [String: String], anyValued: [String] = [], required: [String] = []) -> Value {
        var properties: [String: Value] = typed.mapValues { .object(["type": .string($0)]) }
        for name in anyValued { properties[name] = .object([:]) }
        properties["truncated"] = .object(["type": "array"])
        properties["truncated_note"] = .object(["type": "string"])
        return .object(["type": "object", "properties": .object(properties), "required": .array(required.map(Value.string))])
    }

    private static func schema(_ properties: [String: Value], required: [String]) -> Value {
        .object(["type": "object", "properties": .object(properties),
                 "required": .array(required.map(Value.string)), "additionalProperties": false])
    }
}
