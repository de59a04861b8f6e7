-- Test group 5.3-4: software updates are handled by automatic
-- mechanisms.
group "5.3-4"

-- 5.3-4-1 (TS 103 701): a) every 6-SoftComp component is covered by a
-- mechanism that installs updates and checks for them without user
-- interaction; b) for each component covered by a mechanism whose
-- automation can be configured, an automatic mechanism is on by default.
--
-- a: per component, a mechanism with automatic=true and check-interval-h
-- (the device checks on its own every N hours) -> PASS from facts
-- (lib.fact_pass over "Initiation and Interaction" and "Update Checking").
-- No mechanism, or every one automatic=false or without checks -> FAIL
-- (missing facts instead -> IXIT_MISSING).
-- b: whether automation is configurable and on by default has no fact:
-- REVIEW_PENDING quoting "Configuration" of each automatic mechanism; an
-- automatic mechanism whose "Configuration" is absent or a placeholder ->
-- REVIEW_PENDING as well (it may simply not be configurable, which only a
-- person can confirm).  No automatic mechanism at all (automatic=false on
-- every one): nothing can be on by default -> PASS, vacuous (a FAILs).
testcase {
  id = "5.3-4-1",
  type = "conceptual",
  ixit = { "6-SoftComp", "7-UpdMech" },
  purpose = "Every software component has an automatic update mechanism with automatic checks, on by default where configurable.",
  units = {
    a = {
      criterion = "Each software component is covered by a mechanism that both checks for and installs updates with no user interaction.",
      rule = "PASS per component with a mechanism automatic=true and check-interval-h; none such FAILs; absent facts IXIT_MISSING.",
      decided = "facts",
    },
    b = {
      criterion = "Where a component's mechanism lets the user configure automation, at least one automatic mechanism is enabled by default.",
      rule = "No automatic mechanism: vacuous PASS; otherwise a person reads Configuration (no fact says configurable or on by default).",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local comps = lib.entries("6-SoftComp")
    if #comps == 0 then
      return units:stop("FAIL", "6-SoftComp is empty: the IXIT lists no software component")
    end
    local autos, aseen, unknown = {}, {}, false
    for _, c in ipairs(comps) do
      local ms = lib.comp_mechs(c)
      local good, missing = nil, {}
      for _, m in ipairs(ms) do
        local auto, every = lib.fact(m, "automatic"), lib.fact(m, "check-interval-h")
        if auto == nil then missing[#missing + 1] = lib.missing("7-UpdMech", m, "automatic") end
        if auto == true then
          if not aseen[m.id] then
            aseen[m.id] = true
            autos[#autos + 1] = m
          end
          if every == nil then
            missing[#missing + 1] = lib.missing("7-UpdMech", m, "check-interval-h")
          elseif good == nil then
            good = m
          end
        end
      end
      if #ms == 0 then
        units:add("a", "FAIL", c.id .. ": refers to no update mechanism")
      elseif good then
        lib.fact_pass(units, "a", good, { "Initiation and Interaction", "Update Checking" },
            c.id .. ": " .. good.id .. " " .. lib.facts_text(good, { "automatic",
            "check-interval-h" }) .. " (rule: installs and checks without user interaction)")
      elseif #missing > 0 then
        unknown = true
        for _, t in ipairs(missing) do units:add("a", "INCONCLUSIVE", t) end
      else
        units:add("a", "FAIL", c.id .. ": no mechanism installs and checks automatically ("
            .. ms[1].id .. " " .. lib.facts_text(ms[1], { "automatic", "check-interval-h" })
            .. (#ms > 1 and (" and " .. (#ms - 1) .. " more") or "") .. ")")
      end
    end
    if #autos == 0 then
      if unknown then
        units:add("b", "INCONCLUSIVE", "IXIT_MISSING:7-UpdMech/-/automatic: whether any "
            .. "mechanism is automatic is not declared")
      else
        units:add("b", "PASS", "vacuous: no mechanism is automatic (automatic=false), so none "
            .. "can be on by default")
      end
    else
      local q = {}
      for _, m in ipairs(autos) do q[#q + 1] = lib.quote_fields(m, { "Configuration" }, 200) end
      lib.review(units, "b", "for each automatic mechanism whose automation the user can "
          .. "configure, judge whether it is on by default: " .. table.concat(q, "; "))
    end
    return units:settle(#comps .. " component(s) updated automatically, on by default")
  end,
}
