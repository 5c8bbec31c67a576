import MCP

/// The tools an assistant sees: names, what each does and when to use it,
/// and a JSON Schema for its arguments.
enum ToolCatalog {
    static let searchOperations = "search_operations"
    static let describeOperation = "describe_operation"
    static let runLua = "run_lua"
    static let applyPlan = "apply_plan"
    static let listRunbooks = "list_runbooks"
    static let describeRunbook = "describe_runbook"
    static let runRunbook = "run_runbook"

    /// Arguments each tool accepts (anything else is refused).
    static let arguments: [String: Set<String>] = [
        searchOperations: ["query", "destructive_only", "limit"],
        describeOperation: ["name"],
        runLua: ["code", "dry_run"],
        applyPlan: ["plan_id"],
        listRunbooks: [],
        describeRunbook: ["runbook"],
        runRunbook: ["runbook", "params", "dry_run"],
    ]

    static func all(readOnly: Bool) -> [Tool] {
        [
            Tool(name: searchOperations, title: "Search Zoho Desk operations",
                 description: "Find Zoho Desk API operations by words in their Lua name (desk.tickets.list, helpcenter.labels.delete), operationId or path. Each row gives the Lua name to call, HTTP method, path and safety (read, write, destructive). Use it before writing Lua.",
                 inputSchema: schema(["query": ["type": "string", "description": "Words that must all appear, e.g. 'labels users' or 'ticket delete'. Empty lists everything."],
                                      "destructive_only": ["type": "boolean", "description": "Only operations that are destructive (always or under some arguments)."],
                                      "limit": ["type": "integer", "minimum": 1, "maximum": 200, "description": "At most this many rows (default 50)."]],
                                     required: ["query"]),
                 annotations: .init(readOnlyHint: true, openWorldHint: false)),
            Tool(name: describeOperation, title: "Describe one operation",
                 description: "Everything about one operation: how to call it from Lua (positional ids, then an options table), its parameters and body fields, scopes, and when it is destructive (effect rules).",
                 inputSchema: schema(["name": ["type": "string", "description": "A Lua name (desk.profiles.delete), desk.api.<operationId>, or an operationId."]],
                                     required: ["name"]),
                 annotations: .init(readOnlyHint: true, openWorldHint: false)),
            Tool(name: runLua, title: "Run Lua against Zoho Desk",
                 description: "Run Lua 5.4 in zdsh's sandbox with the Zoho Desk bindings (desk.*, helpcenter.*, desk.api.<operationId>{…}, json.*). `return` a value to get it back; print output is returned too. DRY RUN BY DEFAULT: reads are executed, writes and destructive calls are recorded as a plan (returned with an id) instead of being sent. Read the plan, then call apply_plan with its id. With dry_run=false, writes are sent but destructive calls are still refused (they only go through apply_plan). Limits: time, memory, instructions and output as the operator set them." + (readOnly ? " This server is READ-ONLY: any write is refused." : ""),
                 inputSchema: schema(["code": ["type": "string", "description": "Lua code, e.g. `return desk.tickets.list{limit = 5}`."],
                                      "dry_run": ["type": "boolean", "default": true, "description": "Record writes as a plan instead of sending them (default true)."]],
                                     required: ["code"]),
                 annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true)),
            Tool(name: applyPlan, title: "Apply a plan from a dry run",
                 description: "Send the calls of a plan an earlier dry run in this session returned (run_lua or run_runbook), by its id. The plan is re-derived and re-checked against the operator's grants and caps before anything is sent; destructive calls need the operator's --allow grant AND the user's confirmation, which is asked through your client. One refused call refuses the whole plan. A plan applies once." + (readOnly ? " This server is READ-ONLY: every apply is refused." : ""),
                 inputSchema: schema(["plan_id": ["type": "string", "description": "The plan id a dry run returned."]], required: ["plan_id"]),
                 annotations: .init(readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true)),
            Tool(name: listRunbooks, title: "List runbooks",
                 description: "The runbooks the operator provides (reviewed Lua jobs): name, description, typed parameters (with a JSON Schema), the destructive operations each may perform, risk tags.",
                 inputSchema: schema([:], required: []),
                 annotations: .init(readOnlyHint: true, openWorldHint: false)),
            Tool(name: describeRunbook, title: "Describe a runbook",
                 description: "One runbook's description, parameters (JSON Schema in params_schema) and declared destructive operations.",
                 inputSchema: schema(["runbook": ["type": "string", "description": "The runbook's name, as list_runbooks gives it."]], required: ["runbook"]),
                 annotations: .init(readOnlyHint: true, openWorldHint: false)),
            Tool(name: runRunbook, title: "Run a runbook",
                 description: "Run one of the operator's runbooks with typed parameters. DRY RUN BY DEFAULT: returns the plan of what it would change (apply it with apply_plan). A runbook that declares destructive operations only runs as a dry run." + (readOnly ? " This server is READ-ONLY: any write is refused." : ""),
                 inputSchema: schema(["runbook": ["type": "string", "description": "The runbook's name, as list_runbooks gives it."],
                                      "params": ["type": "object", "description": "Parameters by name, typed as describe_runbook's params_schema says."],
                                      "dry_run": ["type": "boolean", "default": true, "description": "Plan instead of sending writes (default true)."]],
                                     required: ["runbook"]),
                 annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true)),
        ]
    }

    private static func schema(_ properties: [String: Value], required: [String]) -> Value {
        .object(["type": "object", "properties": .object(properties),
                 "required": .array(required.map(Value.string)), "additionalProperties": false])
    }
}
