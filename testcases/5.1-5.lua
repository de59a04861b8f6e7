-- Test group 5.1-5: brute-force protection for network authentication.
group "5.1-5"

testcase {
  id = "5.1-5-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "Each network-addressable authentication mechanism has brute-force protection making guessing impracticable.",
  run = function(a)
    local units, n = {}, 0
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      if #lib.services(e) > 0 then
        n = n + 1
        local b = lib.field(e, "Brute Force Prevention")
        if b == nil then
          lib.unit(units, "a", "INCONCLUSIVE", lib.missing("1-AuthMech", e, "Brute Force Prevention"))
        elseif lib.is_none(b) then
          lib.unit(units, "a", "FAIL", e.id .. ": reachable over the network with no "
              .. "brute-force protection")
        else
          lib.unit(units, "a", "PASS", e.id .. ": " .. b)
        end
      end
    end
    if n == 0 then
      return pass("vacuous: no authentication mechanism is declared reachable over a network")
    end
    return lib.settle(units, n .. " network authentication mechanism(s) declare brute-force protection")
  end,
}

testcase {
  id = "5.1-5-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "No undeclared network authentication; brute-force attempts on each declared one are blocked.",
  run = function(a)
    return lib.no_probe("port scan and rate-limited credential guessing (5.1-5-2 a, b)")
  end,
}
