group "5.1-5"

testcase {
  id = "5.1-5-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "coroutine that never yields",
  run = function(a)
    local co = coroutine.wrap(function() while true do end end)
    co()
    return pass("unreachable")
  end,
}

testcase {
  id = "5.1-5-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "a well-behaved test case after the hostile ones",
  run = function(a) return pass("ran normally") end,
}
