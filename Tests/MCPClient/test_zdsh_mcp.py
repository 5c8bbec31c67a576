"""End-to-end test of `zdsh mcp` with the official Python MCP client.

Starts `zdsh mcp --sim` as a real MCP client would (stdio), and drives it
through the workflow an assistant follows: list tools, search operations,
read, dry run a destructive change, be refused without a grant, apply with a
grant (the user confirms through elicitation), check the simulator's state
and the audit log. Bad input must come back as MCP errors, never a crash or
a hang. Run by scripts/test-mcp; prints 'N passed, N failed' at the end.
"""

import asyncio
import json
import os
import sys
import tempfile
import time
import traceback

from mcp import ClientSession, MCPError, StdioServerParameters, stdio_client
from mcp import types

ZDSH = os.environ.get("ZDSH", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "zdsh"))
EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "stdlib", "examples")
LABEL = "1892000000190001"  # the demo org's "Gold" label
CLIENT = types.Implementation(name="zdsh-mcp-test", version="1.0")
CALL_TIMEOUT = 60  # seconds: a hang fails the test instead of holding CI

results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    if condition:
        results["passed"] += 1
        print(f"ok - {name}")
    else:
        results["failed"] += 1
        print(f"not ok - {name} {detail}")


def payload(result):
    """The structured result, or the text when there is none."""
    if result.structured_content is not None:
        return result.structured_content
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


def text(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def open_session(client, read, write):
    """The MCP session over either transport: our client info, the call timeout,
    the client's elicitation callback if it has one; answers initialize's result."""
    kwargs = {"client_info": CLIENT, "read_timeout_seconds": CALL_TIMEOUT}
    if client.elicitation is not None:
        kwargs["elicitation_callback"] = client.elicitation
    client._session = ClientSession(read, write, **kwargs)
    client.session = await client._session.__aenter__()
    return await asyncio.wait_for(client.session.initialize(), CALL_TIMEOUT)


class Server:
    """One `zdsh mcp` process and a client session to it."""

    def __init__(self, *args, elicitation=None, state=None):
        self.state = state or tempfile.mkdtemp(prefix="zdsh-mcp-test-")
        self.audit = os.path.join(self.state, "audit.jsonl")
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        self.params = StdioServerParameters(
            command=ZDSH, args=["mcp", "--sim", "--audit", self.audit, "--timeout", "5", "--max-memory", "64", *args], env=env)
        self.elicitation = elicitation

    async def __aenter__(self):
        self._transport = stdio_client(self.params)
        read, write = await self._transport.__aenter__()
        self.info = await open_session(self, read, write)
        return self

    async def __aexit__(self, *exc):
        await self._session.__aexit__(*exc)
        await self._transport.__aexit__(*exc)

    async def call(self, tool, arguments=None):
        return await asyncio.wait_for(self.session.call_tool(tool, arguments or {}), CALL_TIMEOUT)

    def audit_records(self):
        if not os.path.exists(self.audit):
            return []
        with open(self.audit) as f:
            return [json.loads(line) for line in f if line.strip()]


class Confirmations:
    """The user's side of elicitation: answers every question with `answer`."""

    def __init__(self, answer=True):
        self.answer = answer
        self.messages = []

    async def __call__(self, context, params):
        self.messages.append(params.message)
        return types.ElicitResult(action="accept", content={"confirm": self.answer})


DELETE_LABEL = f'local hc = helpcenter.help_centers.list()[1].id\nreturn helpcenter.labels.delete(hc, "{LABEL}")'
LIST_LABELS = 'local hc = helpcenter.help_centers.list()[1].id\nlocal ids = {}\nfor _, l in ipairs(helpcenter.labels.list(hc)) do ids[#ids + 1] = l.id end\nreturn ids'


async def workflow_with_grant():
    confirm = Confirmations()
    async with Server("--allow", "helpcenter.labels.delete", "--runbooks", EXAMPLES, elicitation=confirm) as s:
        check("initialize names the server", s.info.server_info.name == "zdsh", s.info.server_info)

        tools = {t.name: t for t in (await s.session.list_tools()).tools}
        wanted = {"search_operations", "describe_operation", "run_lua", "apply_plan",
                  "list_runbooks", "describe_runbook", "run_runbook"}
        check("tools/list has every tool", wanted <= set(tools), sorted(tools))
        check("each tool has a schema and a description",
              all(t.input_schema.get("type") == "object" and t.description for t in tools.values()))

        found = payload(await s.call("search_operations", {"query": "labels delete"}))
        names = {row["name"]: row for row in found["operations"]}
        check("search finds helpcenter.labels.delete as destructive",
              names.get("helpcenter.labels.delete", {}).get("safety") == "destructive", found)

        shown = payload(await s.call("describe_operation", {"name": "helpcenter.labels.delete"}))
        check("describe gives method and path", shown["method"] == "DELETE" and "labels" in shown["path"], shown)

        before = payload(await s.call("run_lua", {"code": LIST_LABELS}))
        check("a read returns the simulator's labels", LABEL in before["result"], before)

        printed = await s.call("run_lua", {"code": 'print("hello from lua") return 41 + 1'})
        p = payload(printed)
        check("print goes into the result, not the protocol", p["output"] == "hello from lua\n" and p["result"] == 42, p)

        dry = await s.call("run_lua", {"code": DELETE_LABEL})
        d = payload(dry)
        plan = d.get("plan") or {}
        check("a destructive change is a dry run by default", not dry.is_error and d["dry_run"] is True, d)
        check("the plan lists the destructive call first, with its id",
              [c["operation"] for c in plan.get("destructive", [])] == ["deleteLabel"]
              and plan["destructive"][0]["ids"] == [LABEL], plan)
        still = payload(await s.call("run_lua", {"code": LIST_LABELS}))
        check("the dry run changed nothing", LABEL in still["result"], still)

        # A second plan for the same deletion, made before the first is applied.
        stale = payload(await s.call("run_lua", {"code": DELETE_LABEL}))["plan"]["id"]

        applied = await s.call("apply_plan", {"plan_id": plan["id"]})
        check("apply with a grant and a confirmation succeeds", not applied.is_error, text(applied))
        check("the user was asked once, and shown the plan",
              len(confirm.messages) == 1 and "helpcenter.labels.delete" in confirm.messages[0] and LABEL in confirm.messages[0],
              confirm.messages)

        after = payload(await s.call("run_lua", {"code": LIST_LABELS}))
        check("the simulator no longer has the label", LABEL not in after["result"], after)

        again = await s.call("apply_plan", {"plan_id": plan["id"]})
        check("a plan applies once", again.is_error and "already applied" in text(again), text(again))

        gone = await s.call("apply_plan", {"plan_id": stale})
        check("a call Zoho refuses during an apply is an API error, not a success",
              gone.is_error and payload(gone)["status"] == "api_error" and "failed" in text(gone), text(gone))

        unknown_plan = await s.call("apply_plan", {"plan_id": "no-such-plan"})
        check("an unknown plan id is refused", unknown_plan.is_error and "no plan" in text(unknown_plan), text(unknown_plan))

        records = s.audit_records()
        sent = [r for r in records if r.get("operation") == "deleteLabel" and r.get("phase") == "outcome"]
        check("the audit log has the sent deletion with the client's name",
              len(sent) == 2 and sent[0].get("mcp_client", "").startswith("zdsh-mcp-test") and sent[0].get("status") in (200, 204),
              sent)
        check("the audit log has the refused second deletion", len(sent) == 2 and sent[1].get("status") == 404, sent)
        tools_audited = [r for r in records if r.get("phase") == "tool"]
        check("every tool call is audited with the client's name",
              len(tools_audited) >= 9 and all(r.get("mcp_client", "").startswith("zdsh-mcp-test") for r in tools_audited),
              len(tools_audited))
        tail = await s.session.read_resource("zdsh://audit/session")
        check("the session's audit tail is a resource", "deleteLabel" in tail.contents[0].text)

        prompt = await s.session.get_prompt("zdsh_workflow", {"task": "retire the Gold label"})
        check("the workflow prompt says to dry run first", "DRY RUN" in prompt.messages[0].content.text)

        books = payload(await s.call("list_runbooks"))
        by_name = {b["runbook"]: b for b in books["runbooks"]}
        check("runbooks are listed with typed parameters",
              "retire_label" in by_name and by_name["retire_label"]["params_schema"]["properties"]["label"]["type"] == "string",
              list(by_name))
        planned = payload(await s.call("run_runbook", {"runbook": "retire_profile", "params": {}}))
        check("a runbook with a missing parameter says which", planned["status"] == "usage_error" and "missing parameter" in planned["error"], planned)
        rb = await s.call("run_runbook", {"runbook": "retire_label", "params": {"label": "1892000000190002"}})
        r = payload(rb)
        check("a runbook runs as a dry run and returns its plan",
              not rb.is_error and len(r["plan"]["destructive"]) >= 1, text(rb))

        await bad_input(s)


async def bad_input(s):
    try:
        await s.call("no_such_tool", {})
        check("an unknown tool is an MCP error", False)
    except MCPError as e:
        check("an unknown tool is an MCP error", "unknown tool" in str(e), e)
    try:
        await s.call("run_lua", {"code": 42})
        check("a wrongly typed argument is an MCP error", False)
    except MCPError as e:
        check("a wrongly typed argument is an MCP error", "code" in str(e) and "string" in str(e), e)
    try:
        await s.call("run_lua", {"code": "return 1", "surprise": True})
        check("an unknown argument is an MCP error", False)
    except MCPError as e:
        check("an unknown argument is an MCP error", "surprise" in str(e), e)

    failed = await s.call("run_lua", {"code": 'error("boom")'})
    check("a Lua error is a tool error", failed.is_error and "boom" in text(failed), text(failed))
    syntax = await s.call("run_lua", {"code": "return +"})
    check("a syntax error is a tool error", syntax.is_error and "syntax" in text(syntax), text(syntax))
    bad_arg = await s.call("run_lua", {"code": 'return helpcenter.labels.delete("hc", "abc")'})
    check("a bad binding argument is a tool error naming it", bad_arg.is_error and "bad argument" in text(bad_arg), text(bad_arg))

    started = time.monotonic()
    loop = await s.call("run_lua", {"code": "while true do end"})
    check("an endless loop stops at the time limit", loop.is_error and "limit" in text(loop)
          and time.monotonic() - started < 30, text(loop))
    memory = await s.call("run_lua", {"code": "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end"})
    check("memory is limited", memory.is_error and "limit" in text(memory), text(memory))
    tools = await s.session.list_tools()
    check("the server still answers after bad input", len(tools.tools) == 9)


async def refused_without_grant():
    confirm = Confirmations()
    async with Server(elicitation=confirm) as s:
        d = payload(await s.call("run_lua", {"code": DELETE_LABEL}))
        applied = await s.call("apply_plan", {"plan_id": d["plan"]["id"]})
        check("apply without a grant is refused, naming the flag",
              applied.is_error and "--allow" in text(applied), text(applied))
        check("nobody was asked about a refused plan", confirm.messages == [])
        after = payload(await s.call("run_lua", {"code": LIST_LABELS}))
        check("the refused plan changed nothing", LABEL in after["result"], after)
        direct = await s.call("run_lua", {"code": DELETE_LABEL, "dry_run": False})
        check("a direct destructive call is refused", direct.is_error and "denied" in payload(direct)["status"], text(direct))


async def refused_when_client_cannot_ask():
    async with Server("--allow", "helpcenter.labels.delete") as s:
        d = payload(await s.call("run_lua", {"code": DELETE_LABEL}))
        applied = await s.call("apply_plan", {"plan_id": d["plan"]["id"]})
        check("apply is refused when the client cannot ask its user",
              applied.is_error and "cannot ask" in text(applied), text(applied))
        after = payload(await s.call("run_lua", {"code": LIST_LABELS}))
        check("nothing was sent without a confirmation", LABEL in after["result"], after)


async def declined_by_user():
    confirm = Confirmations(answer=False)
    async with Server("--allow", "helpcenter.labels.delete", elicitation=confirm) as s:
        d = payload(await s.call("run_lua", {"code": DELETE_LABEL}))
        applied = await s.call("apply_plan", {"plan_id": d["plan"]["id"]})
        check("a plan the user does not confirm is not applied", applied.is_error and len(confirm.messages) == 1, text(applied))


async def session_cap():
    async with Server("--allow", "helpcenter.labels.delete", "--max-destructive", "1", elicitation=Confirmations()) as s:
        first = payload(await s.call("run_lua", {"code": DELETE_LABEL}))["plan"]["id"]
        other = DELETE_LABEL.replace(LABEL, "1892000000190002")
        second = payload(await s.call("run_lua", {"code": other}))["plan"]["id"]
        ok = await s.call("apply_plan", {"plan_id": first})
        check("the first deletion fits the session's cap", not ok.is_error, text(ok))
        capped = await s.call("apply_plan", {"plan_id": second})
        check("--max-destructive counts across the session", capped.is_error and "max-destructive" in text(capped), text(capped))


async def concurrent_applies_of_one_plan():
    """Three apply_plan calls for one plan id at the same time: exactly one applies (issue 27 §1)."""
    confirm = Confirmations()
    async with Server("--allow", "helpcenter.labels.delete", elicitation=confirm) as s:
        plan = payload(await s.call("run_lua", {"code": DELETE_LABEL}))["plan"]["id"]
        answers = await asyncio.gather(*(s.call("apply_plan", {"plan_id": plan}) for _ in range(3)))
        applied = [a for a in answers if not a.is_error]
        refused = [text(a) for a in answers if a.is_error]
        check("three concurrent apply_plan calls of one plan: exactly one applies",
              len(applied) == 1 and len(refused) == 2, [text(a) for a in answers])
        check("the others say the plan is being applied or was applied, and sent nothing",
              all(("applying this plan right now" in r or "being applied" in r or "already applied" in r) and "nothing was sent" in r
                  for r in refused),
              refused)
        sent = [r for r in s.audit_records() if r.get("operation") == "deleteLabel" and r.get("phase") == "intent"]
        check("the deletion was sent once", len(sent) == 1, sent)


async def read_only():
    async with Server("--read-only", "--allow", "helpcenter.labels.delete", elicitation=Confirmations()) as s:
        read = payload(await s.call("query", {"code": LIST_LABELS}))
        check("--read-only still reads", LABEL in read["result"], read)
        dry = await s.call("query", {"code": DELETE_LABEL})
        check("--read-only refuses even planning a write", dry.is_error and "read-only" in text(dry), text(dry))


async def refused_master_key():
    proc = await asyncio.create_subprocess_exec(
        ZDSH, "mcp", "--sim", "--allow", "*", stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), CALL_TIMEOUT)
    check("--allow '*' is refused at start (exit 2), nothing on stdout",
          proc.returncode == 2 and out == b"" and b"allow-all-destructive" in err, (proc.returncode, out, err))


# ---------------------------------------------------------------------------
# Issue 27: the promises hold under a real assistant (parallel calls,
# cancellations, big outputs). Each scenario failed on main before the fix.

SCENARIOS = []


def scenario(f):
    SCENARIOS.append(f)
    return f


FIRST_TICKET = 'return desk.tickets.list{limit = 1}[1].id'
COMMENTS = 'return #desk.tickets.comments.list("%s")'
ADD_COMMENT = 'return desk.tickets.comments.create("%s", {content = "from the assistant", isPublic = false})'
OTHER_LABEL = "1892000000190002"
MISSING_LABEL = "1892000000199999"


def delete_labels(*ids):
    lines = ['local hc = helpcenter.help_centers.list()[1].id']
    lines += [f'helpcenter.labels.delete(hc, "{i}")' for i in ids]
    return "\n".join(lines)


async def plan_of(s, code):
    r = await s.call("run_lua", {"code": code})
    p = payload(r)
    return (p.get("plan") or {}).get("id"), p


async def sim_requests(s, method=None):
    """The simulator's own request log (what reached "Zoho"), from the --sim resource."""
    text_ = (await s.session.read_resource("zdsh://sim/requests")).contents[0].text
    rows = [json.loads(l) for l in text_.splitlines() if l.strip()]
    return [r for r in rows if method is None or r["method"] == method]


def outcomes(records, operation):
    return [r for r in records if r.get("operation") == operation and r.get("phase") == "outcome"]


@scenario
async def applies_once_under_ten_parallel_calls():
    async with Server("--confirm", "destructive", elicitation=Confirmations()) as s:
        ticket = payload(await s.call("query", {"code": FIRST_TICKET}))["result"]
        before = payload(await s.call("query", {"code": COMMENTS % ticket}))["result"]
        plan, _ = await plan_of(s, ADD_COMMENT % ticket)
        answers = await asyncio.gather(*(s.call("apply_plan", {"plan_id": plan}) for _ in range(10)))
        applied = [a for a in answers if not a.is_error]
        check("of 10 parallel apply_plan calls for one plan id exactly one applies", len(applied) == 1,
              [text(a)[:120] for a in answers])
        check("the others say the plan is being or was applied",
              all(("being applied" in text(a) or "already applied" in text(a)) for a in answers if a.is_error),
              [text(a)[:160] for a in answers if a.is_error])
        after = payload(await s.call("query", {"code": COMMENTS % ticket}))["result"]
        check("the simulator got the comment once", after == before + 1, (before, after))
        posts = [r for r in await sim_requests(s, "POST") if r["operation"] == "createTicketComment"]
        check("the simulator's request log has one comment request", len(posts) == 1, posts)
        check("the audit log has one sent call",
              len(outcomes(s.audit_records(), "createTicketComment")) == 1, outcomes(s.audit_records(), "createTicketComment"))


@scenario
async def runs_and_applies_race_for_the_call_cap():
    # One call reads the ticket; ten are left: one run's ten writes.
    async with Server("--max-calls", "11", "--confirm", "destructive", elicitation=Confirmations()) as s:
        ticket = payload(await s.call("query", {"code": FIRST_TICKET}))["result"]
        code = "for i = 1, 10 do desk.tickets.comments.create('%s', {content = 'c' .. i, isPublic = false}) end" % ticket
        answers = await asyncio.gather(*(s.call("run_lua", {"code": code, "dry_run": False}) for _ in range(5)),
                                       *(s.call("query", {"code": "return 1"}) for _ in range(5)))
        sent = outcomes(s.audit_records(), "createTicketComment")
        check("five parallel run_lua calls of 10 writes each send what --max-calls 11 leaves: 10", len(sent) == 10, len(sent))
        logged = [r for r in await sim_requests(s) if r["path"] != "/oauth/v2/token"]
        check("the simulator's request log has at most 11 requests (--max-calls 11)", len(logged) <= 11, len(logged))
        refused = [a for a in answers[:5] if a.is_error]
        check("the four runs past the cap are refused, naming --max-calls 11",
              len(refused) == 4 and all("--max-calls 11" in text(a) for a in refused), [text(a)[:200] for a in answers[:5]])


@scenario
async def partly_failed_applies_are_charged():
    async with Server("--allow", "helpcenter.labels.delete", "--max-destructive", "2", elicitation=Confirmations()) as s:
        first, _ = await plan_of(s, delete_labels(LABEL, MISSING_LABEL))
        second, _ = await plan_of(s, delete_labels(OTHER_LABEL, MISSING_LABEL))
        a = await s.call("apply_plan", {"plan_id": first})
        check("a plan whose second deletion fails is an API error", a.is_error and payload(a)["status"] == "api_error", text(a))
        b = await s.call("apply_plan", {"plan_id": second})
        check("the failed apply's two sent records count against --max-destructive 2",
              b.is_error and "--max-destructive 2" in text(b), text(b))
        labels = payload(await s.call("query", {"code": LIST_LABELS}))["result"]
        check("only the first label was deleted", LABEL not in labels and OTHER_LABEL in labels, labels)


@scenario
async def parallel_applies_share_one_cap():
    async with Server("--allow", "helpcenter.labels.delete", "--max-destructive", "1", elicitation=Confirmations()) as s:
        first, _ = await plan_of(s, delete_labels(LABEL))
        second, _ = await plan_of(s, delete_labels(OTHER_LABEL))
        answers = await asyncio.gather(s.call("apply_plan", {"plan_id": first}), s.call("apply_plan", {"plan_id": second}))
        check("of two parallel one-record applies under --max-destructive 1, one goes through",
              sorted(a.is_error for a in answers) == [False, True], [text(a)[:200] for a in answers])
        check("the audit log has one deletion sent", len(outcomes(s.audit_records(), "deleteLabel")) == 1)


class SlowConfirmations(Confirmations):
    async def __call__(self, context, params):
        await asyncio.sleep(1)
        return await super().__call__(context, params)


@scenario
async def delayed_confirmations_do_not_pass_the_cap():
    async with Server("--allow", "helpcenter.labels.delete", "--max-destructive", "2", elicitation=SlowConfirmations()) as s:
        first, _ = await plan_of(s, delete_labels(LABEL, OTHER_LABEL))
        # The demo org has three labels: 2 + 1 records, a cap of 2 — whichever goes first, the other is refused.
        second, _ = await plan_of(s, delete_labels("1892000000190003"))
        answers = await asyncio.gather(s.call("apply_plan", {"plan_id": first}), s.call("apply_plan", {"plan_id": second}))
        sent = outcomes(s.audit_records(), "deleteLabel")
        check("two applies whose confirmations come 1 s late send at most 2 records under a cap of 2",
              1 <= len(sent) <= 2 and sorted(a.is_error for a in answers) == [False, True], (len(sent), [text(a)[-300:] for a in answers]))


@scenario
async def cancellation_stops_lua_and_frees_the_slot():
    async with Server("--timeout", "60", "--max-runs", "1") as s:
        try:
            await asyncio.wait_for(s.session.call_tool("query", {"code": "while true do end"}), 1.5)
        except (asyncio.TimeoutError, TimeoutError):
            pass
        started = time.monotonic()
        r = await s.call("query", {"code": "return 7"})
        waited = time.monotonic() - started
        check("a cancelled endless loop stops: the next run (one slot) answers within seconds, not at --timeout 60",
              payload(r)["result"] == 7 and waited < 10, waited)


@scenario
async def runs_beyond_the_limit_wait_their_turn():
    async with Server("--timeout", "3", "--max-runs", "1") as s:
        order = []

        async def run(name, code):
            if name == "quick":
                await asyncio.sleep(0.5)  # asked after the loop
            await s.call("query", {"code": code})
            order.append(name)
        await asyncio.gather(run("loop", "while true do end"), run("quick", "return 1"))
        check("with --max-runs 1 a second run waits for the first", order == ["loop", "quick"], order)


@scenario
async def closing_stdin_stops_runs():
    proc = await asyncio.create_subprocess_exec(
        ZDSH, "mcp", "--sim", "--timeout", "60", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env=dict(os.environ, XDG_STATE_HOME=tempfile.mkdtemp(prefix="zdsh-mcp-test-")))
    for m in INIT + [{"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                      "params": {"name": "query", "arguments": {"code": "while true do end"}}}]:
        proc.stdin.write((json.dumps(m) + "\n").encode())
    await proc.stdin.drain()
    await asyncio.sleep(1)
    proc.stdin.close()
    started = time.monotonic()
    try:
        await asyncio.wait_for(proc.wait(), 30)
    except asyncio.TimeoutError:
        proc.kill()
    check("after the client closes stdin the server ends its runs and exits (not at --timeout 60)",
          time.monotonic() - started < 10, time.monotonic() - started)


@scenario
async def progress_is_reported():
    async with Server("--timeout", "3") as s:
        seen = []

        async def on_progress(progress, total, message):
            seen.append((progress, message))
        await asyncio.wait_for(s.session.call_tool("query", {"code": "while true do end"}, progress_callback=on_progress), CALL_TIMEOUT)
        check("a run with a progressToken gets progress notifications", len(seen) >= 1, seen)


@scenario
async def outputs_fit_a_model():
    async with Server("--runbooks", EXAMPLES) as s:
        big = await s.call("query", {"code": "return string.rep('x', 3e6)"})
        size = len(text(big).encode()) + len(json.dumps(big.structured_content).encode())
        check("a 3 MB result is cut to the 64 KB budget (text and structured together)", size <= 64 * 1024, size)
        check("the cut result says what was cut", "truncated" in big.structured_content
              and big.structured_content["truncated"][0]["field"] == "result", big.structured_content.get("truncated"))
        check("the text block is the structured content, serialized", json.loads(text(big)) == big.structured_content)
        found = await s.call("search_operations", {"query": "tickets"})
        check("search results are compact JSON", "\n" not in text(found), text(found)[:200])
        books = payload(await s.call("list_runbooks"))
        check("list_runbooks gives each runbook's parameters once", all("params" not in b for b in books["runbooks"]), books)
        tools = (await s.session.list_tools()).tools
        check("every tool has an outputSchema", all(t.output_schema for t in tools), [t.name for t in tools if not t.output_schema])


@scenario
async def search_finds_the_obvious():
    async with Server() as s:
        async def names(q):
            rows = payload(await s.call("search_operations", {"query": q}))["operations"]
            return {r["name"]: r.get("matched", []) for r in rows}
        overdue = await names("overdue")
        check("'overdue' finds desk.tickets.list through dueDate=overdue",
              "dueDate=overdue" in overdue.get("desk.tickets.list", []), overdue)
        unassign = await names("unassign ticket")
        check("'unassign ticket' finds ticket operations by their assignee", any("ticket" in n for n in unassign), unassign)
        users = await names("search users email")
        check("'search users email' finds something", len(users) > 0, users)


@scenario
async def annotations_tell_the_truth():
    async with Server("--allow", "helpcenter.labels.delete") as s:
        tools = {t.name: t for t in (await s.session.list_tools()).tools}
        check("a query tool exists and is read-only", tools["query"].annotations.read_only_hint is True)
        check("run_lua and run_runbook say they may destroy when the operator granted deletions",
              tools["run_lua"].annotations.destructive_hint is True and tools["run_runbook"].annotations.destructive_hint is True)
        refused = await s.call("query", {"code": delete_labels(LABEL)})
        check("a write through query is refused at the gate", refused.is_error and "only reads" in text(refused), text(refused))
    async with Server("--read-only") as s:
        names = {t.name for t in (await s.session.list_tools()).tools}
        check("--read-only hides run_lua, run_runbook and apply_plan", not names & {"run_lua", "run_runbook", "apply_plan"}, names)
        denied = await s.call("query", {"code": delete_labels(LABEL)})
        check("a read-only refusal speaks to a model (no 'move the call into main')",
              denied.is_error and "into main" not in text(denied) and "read-only" in text(denied), text(denied))


@scenario
async def session_write_cap():
    """--max-writes counts the records writes affect across the session's runs, not per run."""
    async with Server("--max-writes", "3", elicitation=Confirmations()) as s:
        code = "for _, t in ipairs(desk.tickets.list{limit = 2}) do desk.tickets.update(t.id, {priority = 'High'}) end"
        first = await s.call("run_lua", {"code": code, "dry_run": False})
        check("two writes fit a session write cap of 3", not first.is_error, text(first)[:300])
        second = await s.call("run_lua", {"code": code, "dry_run": False})
        sent = outcomes(s.audit_records(), "updateTicket")
        check("two more would pass --max-writes 3 across the session: refused, nothing more sent",
              second.is_error and "max-writes" in text(second) and len(sent) == 2, (text(second)[:300], len(sent)))
    # At once: four runs of two writes each under a cap of 3 — at most one fits, whatever the order.
    async with Server("--max-writes", "3", elicitation=Confirmations()) as s:
        code = "for _, t in ipairs(desk.tickets.list{limit = 2}) do desk.tickets.update(t.id, {priority = 'Low'}) end"
        answers = await asyncio.gather(*(s.call("run_lua", {"code": code, "dry_run": False}) for _ in range(4)))
        sent = outcomes(s.audit_records(), "updateTicket")
        check("four parallel runs under --max-writes 3: one applies, the others are refused, 2 writes sent",
              sum(not a.is_error for a in answers) == 1 and len(sent) == 2, ([text(a)[:120] for a in answers], len(sent)))


@scenario
async def writes_need_a_human():
    confirm = Confirmations()
    # A reply is a notify call: it needs its grant, then the user's confirmation.
    async with Server("--allow", "desk.tickets.threads.send_reply", elicitation=confirm) as s:
        code = "local n = 0 for _, t in ipairs(desk.tickets.list{limit = 11}) do desk.tickets.update(t.id, {priority = 'High'}) n = n + 1 end return n"
        r = await s.call("run_lua", {"code": code, "dry_run": False})
        check("11 updates with dry_run false are confirmed by the user first",
              not r.is_error and len(confirm.messages) == 1 and "11 records" in confirm.messages[0], (text(r)[:300], confirm.messages))
        ticket = payload(await s.call("query", {"code": FIRST_TICKET}))["result"]
        reply = f"return desk.tickets.threads.send_reply('{ticket}', {{channel = 'EMAIL', to = 'a@example.com', content = 'hi'}})"
        await s.call("run_lua", {"code": reply, "dry_run": False})
        check("a customer-facing reply is confirmed by the user first", len(confirm.messages) == 2, confirm.messages)
    async with Server() as s:
        code = "for _, t in ipairs(desk.tickets.list{limit = 11}) do desk.tickets.update(t.id, {priority = 'Low'}) end"
        r = await s.call("run_lua", {"code": code, "dry_run": False})
        check("a client that cannot ask gets a refusal, and nothing is sent",
              r.is_error and "cannot ask" in text(r) and not outcomes(s.audit_records(), "updateTicket"), text(r)[:300])
    async with Server() as s:
        code = delete_labels(LABEL).replace('helpcenter.labels.delete', 'helpcenter.labels.create(hc, {name = "Fresh"})\nhelpcenter.labels.delete')
        r = await s.call("run_lua", {"code": code, "dry_run": False})
        check("create-then-ungranted-delete with dry_run false sends nothing (no half-applied change)",
              r.is_error and not [x for x in s.audit_records() if x.get("phase") == "outcome"], text(r)[:300])


@scenario
async def the_audit_is_complete():
    confirm = Confirmations()
    state = tempfile.mkdtemp(prefix="zdsh-mcp-test-")
    async with Server("--allow", "helpcenter.labels.delete", elicitation=confirm, state=state) as s:
        plan, _ = await plan_of(s, DELETE_LABEL)
        await s.call("apply_plan", {"plan_id": plan})
        tail = (await s.session.read_resource("zdsh://audit/session")).contents[0].text
        records = [json.loads(l) for l in tail.splitlines() if l.strip()]
        sent = [r for r in records if r.get("operation") == "deleteLabel" and r.get("phase") in ("intent", "outcome")]
        check("the session's audit resource has apply_plan's intent and outcome records", len(sent) == 2, len(sent))
        check("every record carries the session and the client",
              all(r.get("mcp_session") and r.get("mcp_client", "").startswith("zdsh-mcp-test") for r in records), records[:2])
        answers = [r for r in records if r.get("phase") == "confirmation"]
        check("the user's answer is recorded", answers and answers[0].get("answer") == "confirmed", answers)
        runs = [r for r in records if r.get("called_as") == "mcp.run_lua"]
        check("the code's sha256 is recorded", runs and len(runs[0].get("code_sha256", "")) == 64, runs[:1])
        path = next((r.get("plan_path") for r in records if r.get("plan_path")), "")
        check("the plan's path is recorded, in the state folder", path.startswith(state), path)
    check("the plan file outlives the server", os.path.exists(path), path)


@scenario
async def words_for_a_model():
    async with Server("--max-calls", "5") as s:
        r = await s.call("query", {"code": "for i = 1, 6 do desk.tickets.list{limit = 1} end"})
        check("the call cap names the operator's figure", "--max-calls 5" in text(r) and "cap of 0" not in text(r), text(r)[:300])
    async with Server("--allow", "helpcenter.labels.delete") as s:
        plan, _ = await plan_of(s, DELETE_LABEL)
        r = await s.call("apply_plan", {"plan_id": plan})
        check("a client that cannot confirm is pointed at a plan file that lasts",
              "cannot ask" in text(r) and "zdsh/mcp-plans/" in text(r), text(r)[:400])
    async with Server("--runbooks", EXAMPLES, elicitation=Confirmations()) as s:
        ticket = payload(await s.call("query", {"code": "return desk.tickets.list{limit = 1}[1].departmentId"}))["result"]
        r = payload(await s.call("run_runbook", {"runbook": "close_stale_tickets", "params": {"department": str(ticket), "days": 0}, "dry_run": False}))
        plan = (r.get("plan") or {}).get("id")
        again = await s.call("apply_plan", {"plan_id": plan}) if plan else None
        check("after run_runbook dry_run false, its plan id is one apply_plan knows",
              plan is None or "no plan" not in text(again), (r.get("apply"), again and text(again)[:200]))


@scenario
async def undo_tool():
    """Issue 30: the undo tool makes the inverse plan of an apply; apply_plan applies it."""
    async with Server(elicitation=Confirmations()) as s:
        first = payload(await s.call("query", {"code": "local t = desk.tickets.list{limit = 1}[1]; return {id = t.id, priority = t.priority}"}))["result"]
        plan, _ = await plan_of(s, f"desk.tickets.update('{first['id']}', {{priority = 'Urgent'}})")
        applied = payload(await s.call("apply_plan", {"plan_id": plan}))
        check("the change is applied", applied.get("applied") is True, applied)
        undo = payload(await s.call("undo", {"run_id": "plan-" + plan}))
        check("undo returns an inverse plan id and sends nothing", undo.get("plan_id") and undo.get("status") == "ok", undo)
        now = payload(await s.call("query", {"code": f"return desk.tickets.get('{first['id']}').priority"}))["result"]
        check("undo alone changes nothing", now == "Urgent", now)
        back = payload(await s.call("apply_plan", {"plan_id": undo["plan_id"]}))
        check("apply_plan applies the undo", back.get("applied") is True, back)
        now = payload(await s.call("query", {"code": f"return desk.tickets.get('{first['id']}').priority"}))["result"]
        check("the field is back", now == first["priority"], (now, first))
        unknown = await s.call("undo", {"run_id": "plan-nope"})
        check("an unknown run is an error result", unknown.is_error and "no run" in text(unknown), text(unknown)[:200])


INIT = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize",
     "params": {"protocolVersion": "2025-06-18", "capabilities": {"elicitation": {"url": {}}},
                "clientInfo": {"name": "by-hand", "version": "1"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
]


class Raw:
    """`zdsh mcp` spoken line by line, for what the Python client will not send."""

    def __init__(self, *args):
        self.args = args

    async def __aenter__(self):
        self.proc = await asyncio.create_subprocess_exec(
            ZDSH, "mcp", "--sim", "--timeout", "5", *self.args, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, limit=64 << 20,
            env=dict(os.environ, XDG_STATE_HOME=tempfile.mkdtemp(prefix="zdsh-mcp-test-")))
        for m in INIT:
            await self.send(m)
        await self.answer()
        return self

    async def __aexit__(self, *exc):
        self.proc.stdin.close()
        await asyncio.wait_for(self.proc.wait(), CALL_TIMEOUT)

    async def send(self, message):
        line = message if isinstance(message, (bytes, bytearray)) else json.dumps(message).encode()
        self.proc.stdin.write(line + b"\n")
        await self.proc.stdin.drain()

    async def answer(self):
        return json.loads(await asyncio.wait_for(self.proc.stdout.readline(), CALL_TIMEOUT))

    async def ask(self, message):
        await self.send(message)
        return await self.answer()

    async def call(self, id, tool, arguments):
        return await self.ask({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": arguments}})


@scenario
async def protocol_details():
    async with Raw("--allow", "helpcenter.labels.delete") as r:
        a = await r.ask(b'{"jsonrpc": "2.0", "id": 5, "method": ')
        check("a parse error answers -32700 with id null", a.get("id", "x") is None and a["error"]["code"] == -32700, a)
        a = await r.ask({"jsonrpc": "2.0", "id": 6})
        check("a request without method is -32600", a["id"] == 6 and a["error"]["code"] == -32600, a)
        a = await r.ask({"jsonrpc": "2.0", "id": 7, "method": "tools/call"})
        check("tools/call without params is -32602", a["id"] == 7 and a["error"]["code"] == -32602, a)
        a = await r.ask({"jsonrpc": "2.0", "id": 8, "method": "tools/list", "params": {"cursor": "bogus"}})
        check("an invalid cursor is an error", "error" in a and a["error"]["code"] == -32602, a)
        a = await r.ask({"jsonrpc": "2.0", "id": 9, "method": "resources/templates/list"})
        uris = [t["uriTemplate"] for t in a.get("result", {}).get("resourceTemplates", [])]
        check("resources/templates/list names plans and operations", "zdsh://plans/{plan_id}" in uris, a)
        dry = await r.call(10, "run_lua", {"code": DELETE_LABEL})
        plan = dry["result"]["structuredContent"]["plan"]["id"]
        applied = await r.call(11, "apply_plan", {"plan_id": plan})
        check("a client that declared only URL elicitation is not sent a form: it cannot ask",
              applied["result"]["isError"] and "cannot ask" in applied["result"]["content"][0]["text"], applied)
        started = time.monotonic()
        big = await r.call(12, "query", {"code": "return 1 --" + "x" * 3_000_000})
        check("a 3 MB message is read in linear time", big["result"]["structuredContent"]["result"] == 1
              and time.monotonic() - started < 5, time.monotonic() - started)
        huge = await r.call(13, "query", {"code": "return 1 --" + "x" * 5_000_000})
        check("a message over 4 MB is refused with a JSON-RPC error", "error" in huge and huge["error"]["code"] == -32600, str(huge)[:200])
        after = await r.ask({"jsonrpc": "2.0", "id": 14, "method": "ping"})
        check("the server reads on after a refused message", after.get("id") == 14 and "result" in after, after)


class HttpServer:
    """`zdsh mcp --http 127.0.0.1:0`-style server on a free port, and tokens made with `zdsh mcp token`."""

    def __init__(self, *args):
        self.state = tempfile.mkdtemp(prefix="zdsh-mcp-http-")
        self.audit = os.path.join(self.state, "audit.jsonl")
        self.env = dict(os.environ, XDG_STATE_HOME=self.state)
        self.args = args

    def token(self, *args):
        import subprocess
        out = subprocess.run([ZDSH, "mcp", "token", "create", *args], env=self.env, capture_output=True, text=True, timeout=CALL_TIMEOUT)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    async def __aenter__(self):
        import socket
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.proc = await asyncio.create_subprocess_exec(
            ZDSH, "mcp", "--sim", "--http", f"127.0.0.1:{self.port}", "--audit", self.audit, "--timeout", "5", *self.args,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=self.env)
        line = await asyncio.wait_for(self.proc.stderr.readline(), CALL_TIMEOUT)
        assert b"/mcp" in line, line
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        return self

    async def __aexit__(self, *exc):
        self.proc.terminate()
        await asyncio.wait_for(self.proc.wait(), CALL_TIMEOUT)

    def client(self, token, elicitation=None):
        return HttpClient(self.url, token, elicitation)

    def audit_records(self):
        with open(self.audit) as f:
            return [json.loads(line) for line in f if line.strip()]


class HttpClient:
    def __init__(self, url, token, elicitation):
        self.url, self.token, self.elicitation = url, token, elicitation

    async def __aenter__(self):
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client
        self._http = create_mcp_http_client(headers={"Authorization": f"Bearer {self.token}"})
        self._transport = streamable_http_client(self.url, http_client=self._http)
        read, write = await self._transport.__aenter__()
        await open_session(self, read, write)
        return self

    async def __aexit__(self, *exc):
        await self._session.__aexit__(*exc)
        await self._transport.__aexit__(*exc)
        await self._http.aclose()

    async def call(self, tool, arguments=None):
        return await asyncio.wait_for(self.session.call_tool(tool, arguments or {}), CALL_TIMEOUT)


@scenario
async def a_team_over_http():
    import urllib.request
    import urllib.error
    server = HttpServer("--allow", "helpcenter.labels.delete", "--max-destructive", "5")
    alice = server.token("--holder", "alice", "--cap-destructive", "1")
    reader = server.token("--holder", "reader", "--reads-only")
    async with server as s:
        body = json.dumps(INIT[0]).encode()
        for auth in (None, "Bearer zdsh_not-a-token"):
            req = urllib.request.Request(s.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                                                  **({"Authorization": auth} if auth else {})})
            try:
                status = await asyncio.to_thread(lambda: urllib.request.urlopen(req, timeout=10).status)
            except urllib.error.HTTPError as e:
                status = e.code
            check(f"HTTP without a valid token is 401 ({'none' if auth is None else 'wrong token'})", status == 401, status)
        async with s.client(alice, Confirmations()) as c:
            names = {t.name for t in (await c.session.list_tools()).tools}
            check("over HTTP the same tools are served", {"query", "run_lua", "apply_plan"} <= names, names)
            first = payload(await c.call("run_lua", {"code": DELETE_LABEL}))["plan"]["id"]
            second = payload(await c.call("run_lua", {"code": DELETE_LABEL.replace(LABEL, OTHER_LABEL)}))["plan"]["id"]
            answers = await asyncio.gather(*(c.call("apply_plan", {"plan_id": p}) for p in (first, first, second)))
            check("over HTTP a plan applies once and the token's cap (1) holds",
                  sorted(a.is_error for a in answers) == [False, True, True], [text(a)[:160] for a in answers])
        async with s.client(reader) as c:
            names = {t.name for t in (await c.session.list_tools()).tools}
            check("a read-only token's session lists no write tools", "apply_plan" not in names and "query" in names, names)
        sent = [r for r in s.audit_records() if r.get("operation") == "deleteLabel" and r.get("phase") == "outcome"]
        check("the audit names the token's holder on what was sent", len(sent) == 1 and sent[0].get("mcp_holder") == "alice", sent)
        with open(os.path.join(s.state, "zdsh", "audit.jsonl")) as f:
            tokens = [json.loads(l) for l in f if '"phase":"token"' in l.replace(" ", "")]
        check("creating tokens is audited, naming the holder", sorted(r.get("mcp_holder") for r in tokens) == ["alice", "reader"], tokens)
        with open(os.path.join(s.state, "zdsh", "mcp-tokens.json")) as f:
            stored = f.read()
        check("tokens are stored hashed", alice not in stored and reader not in stored and "sha256" in stored)


class HttpBacked:
    """The stdio `Server` helper's interface over `zdsh mcp --http` with a bearer token,
    so the issue's scenarios run over the streamable HTTP transport too."""

    def __init__(self, *args, elicitation=None, state=None):
        self.http = HttpServer("--max-memory", "64", *args)
        if state:
            self.http.state = state
            self.http.audit = os.path.join(state, "audit.jsonl")
            self.http.env = dict(os.environ, XDG_STATE_HOME=state)
        self.audit = self.http.audit
        self.elicitation = elicitation

    async def __aenter__(self):
        token = self.http.token("--holder", "scenario")
        await self.http.__aenter__()
        self.client = self.http.client(token, self.elicitation)
        await self.client.__aenter__()
        self.session = self.client.session
        return self

    async def __aexit__(self, *exc):
        await self.client.__aexit__(*exc)
        await self.http.__aexit__(*exc)

    async def call(self, tool, arguments=None):
        return await self.client.call(tool, arguments)

    def audit_records(self):
        if not os.path.exists(self.audit):
            return []
        return self.http.audit_records()


OVER_HTTP = [applies_once_under_ten_parallel_calls, runs_and_applies_race_for_the_call_cap, partly_failed_applies_are_charged,
             parallel_applies_share_one_cap, delayed_confirmations_do_not_pass_the_cap, cancellation_stops_lua_and_frees_the_slot,
             progress_is_reported, outputs_fit_a_model, annotations_tell_the_truth, writes_need_a_human, the_audit_is_complete,
             words_for_a_model]


async def over_http(scenario):
    """Runs a stdio scenario with every `Server` it starts served over HTTP instead."""
    global Server
    stdio, Server = Server, HttpBacked
    try:
        await scenario()
    finally:
        Server = stdio


async def main():
    for scenario in (workflow_with_grant, refused_without_grant, refused_when_client_cannot_ask,
                     declined_by_user, session_cap, concurrent_applies_of_one_plan, read_only, refused_master_key, *SCENARIOS):
        try:
            await asyncio.wait_for(scenario(), 300)
        except Exception:
            results["failed"] += 1
            print(f"not ok - {scenario.__name__} raised:")
            traceback.print_exc(file=sys.stdout)
    for scenario in OVER_HTTP:
        print(f"# over HTTP: {scenario.__name__}")
        try:
            await asyncio.wait_for(over_http(scenario), 300)
        except Exception:
            results["failed"] += 1
            print(f"not ok - {scenario.__name__} over HTTP raised:")
            traceback.print_exc(file=sys.stdout)
    print(f"mcp: {results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
