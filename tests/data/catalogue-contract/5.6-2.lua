-- Every probe raises for an unknown option, and units are kept in C
-- (tests/e2e_contract.sh).  The units test is 5.6-2-1: TS 103 701 gives
-- it two units (a, b), and assay.unit refuses a letter it does not number.
group "5.6-2"

testcase {
  id = "5.6-2-1", type = "conceptual", purpose = "units recorded several times per letter, settled in C",
  units = { a = { criterion = "A unit of the contract catalogue (e2e_contract).", decided = "facts" },
    b = { criterion = "Another unit of the contract catalogue (e2e_contract).", decided = "facts" } },
  run = function(a)
    a.unit("a", "PASS", "port 80 checked")
    a.unit("b", "INCONCLUSIVE", "port 23 silent")
    a.unit("a", "INCONCLUSIVE", "port 443 silent")
    a.unit("b", "PASS", "port 22 checked")
    a.unit("a", "INCONCLUSIVE", "port 8080 silent")
    return a.settle("all ports checked")
  end,
}

testcase {
  id = "5.6-2-2", type = "functional", purpose = "every probe raises for an unknown option; an uncaught one is ERROR",
  units = { a = { criterion = "A unit of the contract catalogue (e2e_contract).", decided = "automatic", reach = "network" } },
  run = function(a)
    local n = 0
    for name, f in pairs(a.net) do
      local ok, e = pcall(f, { nonsense = true })
      if ok or not tostring(e):find(name .. ": unknown option", 1, true) then
        return fail(name .. " did not raise for an unknown option: " .. tostring(e))
      end
      n = n + 1
    end
    a.log(n .. " probes raised")
    -- A retired option name (now max_read) is a bug found at once.
    a.net.http_request{ url = "http://127.0.0.1:1/", max_body = 10 }
    return pass("not reached")
  end,
}
