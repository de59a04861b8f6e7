-- Hostile test cases: each must end as ERROR with its cause, within its
-- budget, and the run must go on (tests/e2e_run.sh).
group "5.1-1"

testcase {
  id = "5.1-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "infinite loop, even inside pcall",
  run = function(a) pcall(function() while true do end end) while true do end end,
}

testcase {
  id = "5.1-1-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, c = { criterion = "Unit c of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "string.rep memory bomb caught by pcall",
  run = function(a)
    local t = {}
    for i = 1, 100 do
      pcall(function() t[#t + 1] = string.rep("x", 1 << 26) end)
    end
    return pass("survived")
  end,
}
