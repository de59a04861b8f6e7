-- tests/e2e_result.sh: no exclusive tag: these run beside the others.
group "5.1-5"

testcase {
  id = "5.1-5-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "records when it ran",
  run = function(a)
    local t0 = a.now_ms() a.sleep(500)
    return pass("start=" .. t0 .. " end=" .. a.now_ms())
  end,
}

testcase {
  id = "5.1-5-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "records when it ran",
  run = function(a)
    local t0 = a.now_ms() a.sleep(500)
    return pass("start=" .. t0 .. " end=" .. a.now_ms())
  end,
}
