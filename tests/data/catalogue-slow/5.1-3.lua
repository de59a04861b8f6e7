group "5.1-3"
testcase {
  id = "5.1-3-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "facts" }, c = { criterion = "Unit c of this test catalogue (tests/data).", decided = "facts" }, d = { criterion = "Unit d of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "waits, then decides",
  run = function(a) a.sleep(400) a.unit("a", "PASS", "slept") return fail("waited, then found a problem") end,
}
testcase {
  id = "5.1-3-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "waits, then decides",
  run = function(a) a.sleep(400) return inconclusive("waited, undecided") end,
}
