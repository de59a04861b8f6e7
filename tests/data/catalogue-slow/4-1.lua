-- Slow but honest test cases, for the kill -9 / --resume test.
group "4-1"
testcase {
  id = "4-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "waits, then passes",
  run = function(a) a.sleep(400) a.log("slept 400 ms") return pass("waited") end,
}
