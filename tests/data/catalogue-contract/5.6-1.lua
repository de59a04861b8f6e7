-- The probe-binding contract as the engine sees it (tests/e2e_contract.sh,
-- docs/probes.md): a bad argument is a bug of the test case (ERROR), a
-- device that does not answer is a value the test case judges.
group "5.6-1"

testcase {
  id = "5.6-1-1", type = "conceptual", purpose = "calls a probe the old, positional way",
  units = { a = { criterion = "A unit of the contract catalogue (e2e_contract).", decided = "facts" } },
  run = function(a)
    local b = a.net.banner("127.0.0.1", 1)
    return pass("not reached: " .. tostring(b))
  end,
}

testcase {
  id = "5.6-1-2", type = "functional", purpose = "a closed port is a value to judge",
  units = { a = { criterion = "A unit of the contract catalogue (e2e_contract).", decided = "automatic", reach = "network" },
    b = { criterion = "Another unit of the contract catalogue (e2e_contract).", decided = "automatic", reach = "network" } },
  run = function(a)
    local b, why = a.net.banner{ host = "127.0.0.1", port = 1, timeout_ms = 1000 }
    if b then return pass("something answers on port 1") end
    return inconclusive("DUT_UNREACHABLE: " .. why)
  end,
}
