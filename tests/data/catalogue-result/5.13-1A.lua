-- tests/e2e_result.sh: the verdict comes from the ICS detail of the
-- provision ("want:fail", "want:inconclusive", "want:error"; else PASS).
group "5.13-1A"

testcase {
  id = "5.13-1A-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "verdict chosen by the ICS detail",
  run = function(a)
    local d = a.ics.provisions[a.testcase.group].detail or ""
    if d:find("want:fail", 1, true) then return fail("the ICS detail asks for FAIL") end
    if d:find("want:inconclusive", 1, true) then return inconclusive("the ICS detail asks for INCONCLUSIVE") end
    if d:find("want:error", 1, true) then error("the ICS detail asks for ERROR") end
    return pass("the ICS detail asks for PASS")
  end,
}
