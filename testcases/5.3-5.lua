-- Test group 5.3-5: the device checks for security updates after
-- initialization and periodically.
group "5.3-5"

-- 5.3-5-1 a (TS 103 701): every 6-SoftComp component is covered by a
-- mechanism that the device itself uses to check for security updates,
-- after initialization and periodically ("Update Checking").
--
-- check-interval-h (hours between the device's checks) settles "by the
-- device, periodically"; nothing structured says "after initialization",
-- so a component whose mechanism has the fact is REVIEW_PENDING on that
-- point, quoting "Update Checking".  No mechanism -> FAIL; no mechanism
-- with the fact: "Update Checking" absent or a placeholder on every one
-- -> FAIL (no checking described), else IXIT_MISSING quoting the text.
-- Looser than TS 103 701's NOTE: Assay does not judge the interval's
-- length (a daily check can be appropriate; that is the assessor's).
testcase {
  id = "5.3-5-1",
  type = "conceptual",
  ixit = { "6-SoftComp", "7-UpdMech" },
  purpose = "Every software component has a mechanism by which the device checks for security updates after initialization and periodically.",
  units = {
    a = {
      criterion = "Each software component is covered by a mechanism whose update checks the device starts itself, right after initialization and at intervals.",
      rule = "No mechanism or no checking described FAILs; check-interval-h settles the periodic check, after-initialization is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local comps = lib.entries("6-SoftComp")
    if #comps == 0 then
      return units:stop("FAIL", "6-SoftComp is empty: the IXIT lists no software component")
    end
    for _, c in ipairs(comps) do
      local ms = lib.comp_mechs(c)
      local periodic, texts = {}, {}
      for _, m in ipairs(ms) do
        if lib.fact(m, "check-interval-h") ~= nil then
          periodic[#periodic + 1] = lib.quote_fields(m, { "Update Checking" }, 160) .. " ("
              .. lib.facts_text(m, { "check-interval-h" }) .. ")"
        elseif not lib.is_placeholder(lib.field(m, "Update Checking")) then
          texts[#texts + 1] = m
        end
      end
      if #ms == 0 then
        units:add("a", "FAIL", c.id .. ": refers to no update mechanism")
      elseif #periodic > 0 then
        lib.review(units, "a", c.id .. ": the device checks periodically by the facts; judge "
            .. "whether it also checks right after initialization: " .. table.concat(periodic, "; "))
      elseif #texts > 0 then
        for _, m in ipairs(texts) do
          units:add("a", "INCONCLUSIVE", lib.missing("7-UpdMech", m, "check-interval-h")
              .. " (\"Update Checking\" " .. lib.quote(lib.field(m, "Update Checking"), 120) .. ")")
        end
      else
        units:add("a", "FAIL", c.id .. ": no mechanism checks for updates (no check-interval-h, "
            .. "\"Update Checking\" absent or a placeholder)")
      end
    end
    return units:settle(#comps .. " component(s) checked for updates")
  end,
}
