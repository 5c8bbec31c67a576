-- Scenario files are checked too: names and literal arguments, not a declaration.
describe("broken", function()
  it("uses a mistyped binding", function()
    local t = desk.tikets.list()
    expect(#t).to_be(0)
    sim.seed { tickets = {} }
    desk.tickets.get("nope")
  end)
end)

describe("runs", function()
  it("names parameters and grants the runbook does not have", function()
    runbook.run("../check-corpus/declaration_typo.lua", { lable = "1", hc = "2" }, { allow = { "helpcenter.lables.*" } })
    runbook.run("missing.lua", {})
  end)
end)
