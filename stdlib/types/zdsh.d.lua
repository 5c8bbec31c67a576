---@meta
-- Written by hand (desk.d.lua next to it is generated from the catalog): what zdsh adds to Lua
-- beyond the API bindings — runbook{…}, desk.each, desk.parallel, desk.request, json, and the
-- globals of scenario tests (zdsh test). Add stdlib/types to lua-language-server's
-- workspace.library.

-- Runbooks ---------------------------------------------------------------------------------------

---@alias zdsh.ParamType "string"|"id"|"integer"|"number"|"boolean"|"list"

---@class zdsh.ParamSpec
---@field type? zdsh.ParamType  default "string"
---@field required? boolean
---@field default? any
---@field description? string

---@class zdsh.RunbookSpec
---@field name string
---@field description? string
---@field params? table<string, zdsh.ParamSpec>
---The destructive operations main may perform (binding names, operationIds or globs such as
---"helpcenter.labels.*"). `zdsh run` refuses to start unless every one is granted with --allow.
---@field destructive? string[]
---@field risk? string[]  free-form risk tags shown by zdsh describe
---@field main fun(params: table<string, any>): any

---A runbook file returns `runbook{…}`: its metadata, typed parameters, declared destructive
---operations and main. In scenario tests `runbook` is also a table with `run` (see below).
---@overload fun(spec: zdsh.RunbookSpec): zdsh.RunbookSpec
runbook = {}

-- desk helpers -----------------------------------------------------------------------------------

---@class zdsh.EachOptions
---@field concurrency? integer  calls in flight at once (default: the run's concurrency), bounded again by the org's limiter

---Calls `fn(item, i)` for every item, with up to `concurrency` API calls in flight (each call
---suspends its item; up to `concurrency` more items run ahead to their next call and wait for a
---free slot). Results come back in input order. When some items fail, a second table maps each failed
---index to its error — a table with holes, e.g. `{[3] = err}`; otherwise there is no second value.
---@generic T, R
---@param list T[]
---@param fn fun(item: T, i: integer): R
---@param opts? zdsh.EachOptions
---@return R[] results
---@return table<integer, any>? errors
function desk.each(list, fn, opts) end

---Runs the functions concurrently; results (and errors) as desk.each gives them.
---@param fns (fun(): any)[]
---@param opts? zdsh.EachOptions
---@return any[] results
---@return table<integer, any>? errors
function desk.parallel(fns, opts) end

---@class zdsh.RequestOptions
---@field query? table<string, string|number|boolean>
---@field body? table

---Raw request. A catalog path is validated and authorized as that operation; an unknown path
---counts as destructive unless it is a GET and needs a route grant (--allow 'POST /api/v1/…').
---@param method "GET"|"POST"|"PUT"|"PATCH"|"DELETE"
---@param path string
---@param opts? zdsh.RequestOptions
---@return any
function desk.request(method, path, opts) end

---A body table whose fields Zoho's spec does not list are sent anyway (fields it lists are still
---checked). For a field Zoho accepts that catalog/spec-gaps.tsv does not have yet; the call's audit
---records and plan list the unchecked fields, and grants and effect rules apply as always.
---@generic T: table
---@param fields T
---@return T
function desk.unchecked(fields) end

---A Zoho API error as Lua sees it (raised by the bindings; `tostring` gives the message).
---@class zdsh.APIError
---@field status? integer       HTTP status
---@field code? string          Zoho's errorCode, or POLICY_DENIED / PARTIAL_FAILURE
---@field message string
---@field operation? string     operationId
---@field fields? {field: string, type?: string, message?: string}[]
---@field succeeded? string[]   PARTIAL_FAILURE: ids that succeeded
---@field failed? {id: string, code: string, message: string}[]  PARTIAL_FAILURE: ids that failed

-- json -------------------------------------------------------------------------------------------

---@class zdsh.json
---The explicit null: sends `null` in a body; null array elements decode to it (object fields that
---are null decode to absent). Printed as `null`.
---@field null lightuserdata
json = {}

---Encodes a value as JSON text. A table with keys 1…n is an array, one with string keys an object;
---sparse or mixed tables, functions, NaN and cycles are errors.
---@param value any
---@return string
function json.encode(value) end

---Decodes JSON text (inside the run's memory and time limits).
---@param text string
---@return any
function json.decode(text) end

---Marks a table (default: a new empty one) as an array, so an empty one encodes as `[]`.
---@generic T: table
---@param t? T
---@return T
function json.array(t) end

-- Scenario tests (zdsh test, *_test.lua) ---------------------------------------------------------

---Groups scenarios; names nest ("retire_label removes every user").
---@param name string
---@param fn fun()
function describe(name, fn) end

---One scenario: runs in a fresh sandbox against a fresh simulator (the demo org unless the file
---seeds or loads its own).
---@param name string
---@param fn fun()
function it(name, fn) end

---A scenario still to write: reported as skipped.
---@param name string
function pending(name) end

---@param fn fun()
function before_each(fn) end

---@param fn fun()
function after_each(fn) end

---@class zdsh.Expectation
---@field never zdsh.Expectation  negates the matcher that follows
local Expectation = {}
---@param v any  the same value (rawequal; numbers and strings by value)
---@return zdsh.Expectation
function Expectation.to_be(v) end
---@param v any  deeply equal (tables compared field by field)
---@return zdsh.Expectation
function Expectation.to_equal(v) end
---@param v any  a list holding v (deeply equal), or a string holding v as plain text
---@return zdsh.Expectation
function Expectation.to_contain(v) end
---@param n integer
---@return zdsh.Expectation
function Expectation.to_have_length(n) end
---@param n integer
---@return zdsh.Expectation
function Expectation.to_have_count(n) end
---@return zdsh.Expectation
function Expectation.to_be_truthy() end
---@return zdsh.Expectation
function Expectation.to_be_falsy() end
---@return zdsh.Expectation  nil or json.null
function Expectation.to_be_nil() end
---@param pattern string  a Lua pattern
---@return zdsh.Expectation
function Expectation.to_match(pattern) end
---@param n number
---@return zdsh.Expectation
function Expectation.to_be_greater_than(n) end
---@param n number
---@return zdsh.Expectation
function Expectation.to_be_less_than(n) end
---The value (a function) raises an error when called.
---@return zdsh.Expectation
function Expectation.to_fail() end
---The function raises an error whose code (API/policy errors) or message matches.
---@param code_or_pattern string
---@return zdsh.Expectation
function Expectation.to_fail_with(code_or_pattern) end

---@param value any
---@return zdsh.Expectation
function expect(value) end

---@class zdsh.SimFailure
---@field op? string          operationId or binding name; omitted: any operation
---@field status? integer     HTTP status to answer (e.g. 429, 500)
---@field code? string        Zoho errorCode in the answer
---@field times? integer      how many requests fail (default 1)
---@field probability? number instead of times: the chance each request fails

---The simulated org of the scenario.
---@class zdsh.sim
sim = {}
---Upserts records and relations (fixture format) into the org.
---@param t table
function sim.seed(t) end
---Replaces the state with a fixture file (relative to the scenario file, inside the test folder).
---@param path string
function sim.load(path) end
---Replaces the state with t, or the demo org again.
---@param t? table
function sim.reset(t) end
---Injects HTTP errors.
---@param t zdsh.SimFailure
function sim.fail(t) end
---Drops connections: {op=, times=1 | probability=}.
---@param t? table
function sim.reset_connection(t) end
---Expires the token on the next request(s) (401): {op=, times=1}.
---@param t? table
function sim.expire_token(t) end
function sim.expire_tokens() end
---@param ms number
---@param jitter_ms? number
function sim.latency(ms, jitter_ms) end
---The whole state (fixture format).
---@return table
function sim.state() end
---The records of one resource ("labels", "labelUsers", "tickets", …).
---@param name string
---@param org? string
---@return table[]
function sim.resource(name, org) end
---Requests the simulator handled: {method, path, status, operation}.
---@return table[]
function sim.requests() end
---{requests, credits_used, refreshes, faults_injected, …}
---@return table
function sim.stats() end
---@return string
function sim.org_id() end
---Operations and parameters the simulator did not model so far: {{operation, parameters}}.
---@return table[]
function sim.unmodelled() end
---Scenario options: strict_sim = true fails the scenario on an answer the simulator made up (SIM_UNMODELLED).
---@param t {strict_sim?: boolean}
function sim.options(t) end

---@class zdsh.CallFilter
---@field safety? "read"|"write"|"destructive"
---@field operation? string  operationId or the name it was called as
---@field called_as? string
---@field outcome? "sent"|"failed"|"denied"|"planned"|"invalid"
---@field method? string
---@field source? string

---@class zdsh.Call
---@field seq integer
---@field operation string
---@field called_as string
---@field method string
---@field path string
---@field ids string[]
---@field args table
---@field safety "read"|"write"|"destructive"
---@field outcome "sent"|"failed"|"denied"|"planned"|"invalid"
---@field status? integer
---@field error_code? string
---@field message? string
---@field source? string

---Every API call attempted so far (sent, failed, denied, planned), those of runbooks run with
---runbook.run included.
---@param filter? zdsh.CallFilter
---@return zdsh.Call[]
function calls(filter) end

---The scenario's own gate (default: allow = {"*"}).
---@param t {allow?: string[], deny?: string[], dry_run?: boolean, max_destructive?: integer}
function policy(t) end

---Replays a cassette recorded with `zdsh run … --record F` instead of the simulator (call at the top
---of the file; the path is relative to the scenario file).
---@param path string
function use_cassette(path) end

---@class zdsh.RunOptions
---@field allow? string[]
---@field deny? string[]
---@field dry_run? boolean
---@field yes? boolean          confirm the declared destructive operations
---@field max_destructive? integer
---@field max_writes? integer records writes may affect (the runbook's writes are then confirmed at the start when n ≤ 10)

---@class zdsh.RunResult
---@field ok boolean            main returned without an error
---@field value any             what main returned (the first value)
---@field error any             the error (a table for API and policy errors), when not ok
---@field denied integer        calls the policy denied
---@field exit integer          the exit code `zdsh run` would give (0-5)
---@field calls zdsh.Call[]     the calls of this run

---Runs a runbook under test (path relative to the scenario file) as `zdsh run` would.
---@param path string
---@param params? table<string, any>
---@param opts? zdsh.RunOptions
---@return zdsh.RunResult
function runbook.run(path, params, opts) end
