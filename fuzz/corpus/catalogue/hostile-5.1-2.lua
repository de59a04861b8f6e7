group "5.1-2"

testcase {
  id = "5.1-2-1", type = "conceptual", purpose = "raises an error",
  run = function(a) error("boom from the script") end,
}

testcase {
  id = "5.1-2-2", type = "functional", purpose = "returns nothing",
  run = function(a) end,
}
