-- Test group 5.3-4A (EN 303 645 V3.1.3): update mechanisms can check for,
-- fetch and install updates automatically.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.3-4 (software updates by automatic mechanisms)
-- into 5.3-4A (the mechanism can check, fetch and install on its own,
-- feature g) and 5.3-4B (automatic updates are on after initialization,
-- feature h), and TS 103 701 V1.1.1 covers V2.1.1 only.  Assay wrote this
-- test case from the V3.1.3 provision summary
-- (spec/en303645_v3.1.3_provisions.csv); its one unit is TS 103 701's
-- 5.3-4-1 unit a in Assay's own words, decided by the rule of
-- testcases/5.3-4.lua (the same 6-SoftComp and 7-UpdMech facts).  The
-- report marks it Assay-defined.
group "5.3-4A"

-- 5.3-4A-1 a (as 5.3-4-1 a): per 6-SoftComp component, a mechanism with
-- automatic=true and check-interval-h (it checks on its own every N
-- hours, and fetches and installs without the user) -> PASS from facts
-- (lib.fact_pass over "Initiation and Interaction" and "Update
-- Checking").  No mechanism, or every one automatic=false or without
-- checks -> FAIL; missing facts -> IXIT_MISSING.  6-SoftComp empty FAILs.
testcase {
  id = "5.3-4A-1",
  type = "conceptual",
  ixit = { "6-SoftComp", "7-UpdMech" },
  purpose = "Each software component has an update mechanism that checks for, fetches and installs updates on its own.",
  units = {
    a = {
      criterion = "Every software component can be kept current by a mechanism that looks for, downloads and installs updates without the user starting it.",
      rule = "PASS per component with a mechanism automatic=true and check-interval-h; none such FAILs; absent facts IXIT_MISSING.",
      decided = "facts",
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
    return units:settle(#comps .. " component(s) with a mechanism that updates on its own")
  end,
}
