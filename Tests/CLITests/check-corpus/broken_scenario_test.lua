-- Scenario files are checked too: names and literal arguments, not a declaration.
describe("broken", function()
  it("uses a mistyped binding", function()
    local t = desk.tikets.list()
    expect(#t).to_be(0)
    sim.seed { tickets = {} }
    desk.tickets.get("nope")
  end)
end)
