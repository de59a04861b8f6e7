group "5.1-2"

testcase {
  id = "5.1-2-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "facts" }, c = { criterion = "Unit c of this test catalogue (tests/data).", decided = "facts" }, d = { criterion = "Unit d of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "raises an error",
  run = function(a) error("boom from the script") end,
}

testcase {
  id = "5.1-2-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "returns nothing",
  run = function(a) end,
}
