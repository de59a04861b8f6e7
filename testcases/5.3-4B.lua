-- Test group 5.3-4B (EN 303 645 V3.1.3): where automatic updates exist,
-- they are active once the device is initialized (the user may turn them
-- off).
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.3-4 (software updates by automatic mechanisms)
-- into 5.3-4A (the mechanism can check, fetch and install on its own,
-- feature g) and 5.3-4B (automatic updates are on after initialization,
-- feature h), and TS 103 701 V1.1.1 covers V2.1.1 only.  Assay wrote this
-- test case from the V3.1.3 provision summary
-- (spec/en303645_v3.1.3_provisions.csv); its one unit is TS 103 701's
-- 5.3-4-1 unit b in Assay's own words, decided by the rule of
-- testcases/5.3-4.lua (the same 6-SoftComp and 7-UpdMech facts).  The
-- report marks it Assay-defined.
group "5.3-4B"

-- 5.3-4B-1 a (as 5.3-4-1 b): whether automatic updating is on after
-- initialization has no fact: REVIEW_PENDING quoting "Configuration" of
-- each automatic mechanism (automatic=true), absent or placeholder text
-- included (only a person can confirm it is on with no setting).  No
-- automatic mechanism (automatic=false on every one): nothing to be on ->
-- PASS, vacuous (5.3-4A-1 is where that FAILs); automatic unknown ->
-- IXIT_MISSING.  6-SoftComp empty FAILs.
testcase {
  id = "5.3-4B-1",
  type = "conceptual",
  ixit = { "6-SoftComp", "7-UpdMech" },
  purpose = "Automatic update mechanisms are switched on once the device is initialized, subject to the user's choice.",
  units = {
    a = {
      criterion = "Where a mechanism can update the device automatically, that automation is already active on an initialized device unless the user turned it off.",
      rule = "No automatic mechanism: vacuous PASS; otherwise a person reads Configuration (no fact says on after initialization).",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local comps = lib.entries("6-SoftComp")
    if #comps == 0 then
      return units:stop("FAIL", "6-SoftComp is empty: the IXIT lists no software component")
    end
    -- The automatic mechanisms of the components (each once), and whether
    -- some mechanism leaves `automatic` undeclared.
    local autos, aseen, unknown = {}, {}, false
    for _, c in ipairs(comps) do
      for _, m in ipairs(lib.comp_mechs(c)) do
        local auto = lib.fact(m, "automatic")
        if auto == nil then unknown = true end
        if auto == true and not aseen[m.id] then
          aseen[m.id] = true
          autos[#autos + 1] = m
        end
      end
    end
    if #autos == 0 then
      if unknown then
        units:add("a", "INCONCLUSIVE", "IXIT_MISSING:7-UpdMech/-/automatic: whether any "
            .. "mechanism is automatic is not declared")
      else
        units:add("a", "PASS", "vacuous: no mechanism is automatic (automatic=false), so none "
            .. "can be on after initialization")
      end
    else
      local q = {}
      for _, m in ipairs(autos) do q[#q + 1] = lib.quote_fields(m, { "Configuration" }, 200) end
      lib.review(units, "a", "for each automatic mechanism, judge whether automatic updating "
          .. "is active once the device is initialized (the user may turn it off): "
          .. table.concat(q, "; "))
    end
    return units:settle(#autos == 0 and "vacuous: no mechanism is automatic"
        or "automatic updating is on after initialization")
  end,
}
