-- tests/e2e_result.sh: two test cases that count attempts against the
-- same device services; they share an exclusive tag and must not overlap.
group "5.1-1"

testcase {
  id = "5.1-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "records when it ran", exclusive = "credentials",
  run = function(a)
    local t0 = a.now_ms() a.sleep(500)
    return pass("start=" .. t0 .. " end=" .. a.now_ms())
  end,
}

testcase {
  id = "5.1-1-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, c = { criterion = "Unit c of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "records when it ran", exclusive = "credentials",
  run = function(a)
    local t0 = a.now_ms() a.sleep(500)
    return pass("start=" .. t0 .. " end=" .. a.now_ms())
  end,
}
