group "5.1-3"
testcase {
  id = "5.1-3-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data)." }, b = { criterion = "Unit b of this test catalogue (tests/data)." }, c = { criterion = "Unit c of this test catalogue (tests/data)." }, d = { criterion = "Unit d of this test catalogue (tests/data)." } }, type = "conceptual", purpose = "waits, then decides",
  run = function(a) a.sleep(400) a.unit("a", "PASS", "slept") return fail("waited, then found a problem") end,
}
testcase {
  id = "5.1-3-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data)." } }, type = "functional", purpose = "waits, then decides",
  run = function(a) a.sleep(400) return inconclusive("waited, undecided") end,
}
