-- An empty test case, for measuring the engine's per-test-case overhead.
group "4-1"
testcase {
  id = "4-1-1", type = "conceptual", ixit = {}, purpose = "does nothing",
  run = function(a) return pass("empty") end,
}
