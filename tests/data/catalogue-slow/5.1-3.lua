group "5.1-3"
testcase {
  id = "5.1-3-1", type = "conceptual", purpose = "waits, then decides",
  run = function(a) a.sleep(400) a.unit("a", "PASS", "slept") return fail("waited, then found a problem") end,
}
testcase {
  id = "5.1-3-2", type = "functional", purpose = "waits, then decides",
  run = function(a) a.sleep(400) return inconclusive("waited, undecided") end,
}
