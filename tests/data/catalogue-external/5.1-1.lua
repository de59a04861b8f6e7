-- Test cases that read the lab's files: the report lists those files as
-- external evidence with the test cases that read them (tests/e2e_external.sh).
group "5.1-1"

testcase {
  id = "5.1-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "reads the lab's nmap report",
  run = function(a)
    local r, why = assay.net.import{ id = "scan" }
    if not r then
      a.unit("a", "INCONCLUSIVE", "no nmap report: " .. tostring(why))
      return inconclusive("no nmap report: " .. tostring(why))
    end
    a.unit("a", "PASS", "nmap report read", { basis = "probe", probe = "import" })
    return pass("nmap report read: " .. r.tool)
  end,
}

testcase {
  id = "5.1-1-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, c = { criterion = "Unit c of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "reads nothing",
  run = function(a)
    for _, u in ipairs({ "a", "b", "c" }) do a.unit(u, "PASS", "fine", { basis = "facts" }) end
    return pass("fine")
  end,
}
