-- Test group 5.3-3: applying an update is simple for the user.
group "5.3-3"

-- 5.3-3-1 a (TS 103 701): every 6-SoftComp component is covered by at
-- least one update mechanism that is simple to apply (applied
-- automatically, or started from an associated service, the device's web
-- interface or something comparable for a user with limited technical
-- knowledge).
--
-- Per component: a referenced mechanism with automatic=true is simple by
-- the standard's first factor -> PASS from facts (lib.fact_pass over
-- "Initiation and Interaction": a text that negates or hedges withholds
-- it).  Otherwise, mechanisms with automatic=false and an "Initiation and
-- Interaction" text -> REVIEW_PENDING quoting it (app, web UI or
-- comparable is a person's call); automatic absent -> IXIT_MISSING; no
-- mechanism, or none automatic and none describing how the user applies
-- it -> FAIL.  6-SoftComp empty -> FAIL.  As the text: a component 5.3-1-1
-- accepts as non-updatable still FAILs here (TS 103 701 asks it of each
-- component).
testcase {
  id = "5.3-3-1",
  type = "conceptual",
  ixit = { "6-SoftComp", "7-UpdMech" },
  purpose = "Every software component has at least one update mechanism that is simple for the user to apply.",
  units = {
    a = {
      criterion = "Each software component can be updated by at least one mechanism a user finds simple: automatic, via an associated service or app, via the device's web interface or similar.",
      rule = "PASS per component with an automatic=true mechanism; a component with no mechanism or no described way to apply FAILs; other ways a person's call.",
      decided = "facts+assessor",
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
      local auto, manual, missing = nil, {}, {}
      for _, m in ipairs(ms) do
        local v = lib.fact(m, "automatic")
        if v == true then auto = auto or m
        elseif v == nil then missing[#missing + 1] = m
        elseif not lib.is_placeholder(lib.field(m, "Initiation and Interaction")) then
          manual[#manual + 1] = lib.quote_fields(m, { "Initiation and Interaction" }, 200)
        end
      end
      if #ms == 0 then
        units:add("a", "FAIL", c.id .. ": refers to no update mechanism")
      elseif auto then
        lib.fact_pass(units, "a", auto, { "Initiation and Interaction" }, c.id .. ": "
            .. auto.id .. " automatic=true (rule: applied without user interaction is simple)")
      elseif #manual > 0 then
        lib.review(units, "a", "judge whether a user with limited technical knowledge "
            .. "finds applying an update to " .. c.id .. " simple (associated service, web "
            .. "interface or comparable): " .. table.concat(manual, "; "))
      elseif #missing > 0 then
        for _, m in ipairs(missing) do
          units:add("a", "INCONCLUSIVE", lib.missing("7-UpdMech", m, "automatic"))
        end
      else
        units:add("a", "FAIL", c.id .. ": no mechanism is automatic and none describes how "
            .. "the user applies an update (\"Initiation and Interaction\" absent or a "
            .. "placeholder)")
      end
    end
    return units:settle(#comps .. " component(s) covered by an update mechanism simple to apply")
  end,
}
