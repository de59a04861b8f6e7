-- assay.once (testcases/README.md): 4-1-1 and 5.1-1-1 ask for the same
-- key; whichever comes second (or waits, with -j2) must get the first's
-- value, which carries the time it was computed.
group "4-1"

testcase {
  id = "4-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "assay.once shares a value",
  run = function(a)
    local v = assay.once("shared token", function()
      assay.sleep(300)
      return { at = assay.now_ms(), list = { 1, "two", true }, by = a.testcase.id }
    end)
    return pass("token " .. v.at .. " " .. v.by .. " " .. #v.list)
  end,
}
