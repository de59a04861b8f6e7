-- A test case that takes its time (tests/e2e_interrupt.sh): a Ctrl-C or
-- SIGTERM must stop it at once, not when it ends.
group "5.6-1"

testcase {
  id = "5.6-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "sleeps for 8 s, then passes",
  run = function(a)
    for _ = 1, 8 do a.sleep(1000) end
    return pass("slept 8 s")
  end,
}
