group "5.2-1"

testcase {
  id = "5.2-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "a pattern that backtracks in C, out of the hook's reach",
  run = function(a)
    local s = string.rep("a", 200000)
    return pass(tostring(s:find(".-.-b")))
  end,
}

testcase {
  id = "5.2-1-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "a well-behaved test case next to the runaway one",
  run = function(a) return pass("ran normally") end,
}
