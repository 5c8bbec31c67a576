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
        kwargs = {"client_info": CLIENT, "read_timeout_seconds": CALL_TIMEOUT}
        if self.elicitation is not None:
            kwargs["elicitation_callback"] = self.elicitation
        self._session = ClientSession(read, write, **kwargs)
        self.session = await self._session.__aenter__()
        self.info = await asyncio.wait_for(self.session.initialize(), CALL_TIMEOUT)
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
    check("the server still answers after bad input", len(tools.tools) == 7)


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
              all(("applying this plan right now" in r or "already applied" in r) and "nothing was sent" in r for r in refused),
              refused)
        sent = [r for r in s.audit_records() if r.get("operation") == "deleteLabel" and r.get("phase") == "intent"]
        check("the deletion was sent once", len(sent) == 1, sent)


async def read_only():
    async with Server("--read-only", "--allow", "helpcenter.labels.delete", elicitation=Confirmations()) as s:
        read = payload(await s.call("run_lua", {"code": LIST_LABELS}))
        check("--read-only still reads", LABEL in read["result"], read)
        dry = await s.call("run_lua", {"code": DELETE_LABEL})
        check("--read-only refuses even planning a write", dry.is_error and "read-only" in text(dry), text(dry))


async def refused_master_key():
    proc = await asyncio.create_subprocess_exec(
        ZDSH, "mcp", "--sim", "--allow", "*", stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), CALL_TIMEOUT)
    check("--allow '*' is refused at start (exit 2), nothing on stdout",
          proc.returncode == 2 and out == b"" and b"allow-all-destructive" in err, (proc.returncode, out, err))


async def main():
    for scenario in (workflow_with_grant, refused_without_grant, refused_when_client_cannot_ask,
                     declined_by_user, session_cap, concurrent_applies_of_one_plan, read_only, refused_master_key):
        try:
            await asyncio.wait_for(scenario(), 300)
        except Exception:
            results["failed"] += 1
            print(f"not ok - {scenario.__name__} raised:")
            traceback.print_exc(file=sys.stdout)
    print(f"mcp: {results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
