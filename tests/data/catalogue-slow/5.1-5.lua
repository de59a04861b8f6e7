group "5.1-5"
testcase {
  id = "5.1-5-1", type = "conceptual", purpose = "waits, then decides",
  run = function(a) a.sleep(400) a.unit("a", "PASS", "slept") return pass("waited") end,
}
testcase {
  id = "5.1-5-2", type = "functional", purpose = "waits, then decides",
  run = function(a) a.sleep(400) return inconclusive("waited, undecided") end,
}
