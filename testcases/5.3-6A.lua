-- Test group 5.3-6A (EN 303 645 V3.1.3): automatic updates can be
-- configured: the user can enable, disable or postpone the installation of
-- security updates.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.3-6 (automatic updates and update notifications,
-- on after initialization and configurable) into 5.3-6A (automatic
-- updates configurable, feature h) and 5.3-6B (notifications on and
-- configurable, feature i), and TS 103 701 V1.1.1 covers V2.1.1 only;
-- V3.1.3's 5.3-4B asks that automatic updates be on after initialization.
-- Assay wrote this test case from the V3.1.3 provision summary
-- (spec/en303645_v3.1.3_provisions.csv); its one unit is TS 103 701's
-- 5.3-6-1 unit b in Assay's own words, decided by the rule of
-- testcases/5.3-6.lua.  The report marks it Assay-defined.
group "5.3-6A"

local CONF, INIT = "Configuration", "Initiation and Interaction"

-- 5.3-6A-1 a (as 5.3-6-1 b): per 7-UpdMech mechanism with automatic=true,
-- "Configuration" absent or a placeholder -> FAIL (no way to change it is
-- declared); otherwise a person judges, quoting it.  automatic absent ->
-- IXIT_MISSING.  No automatic mechanism -> PASS, vacuous (nothing to
-- configure).  7-UpdMech empty -> FAIL (the provision is declared
-- supported, so an update mechanism exists).
testcase {
  id = "5.3-6A-1",
  type = "conceptual",
  ixit = { "7-UpdMech" },
  purpose = "The user can switch automatic installation of security updates on or off, or put it off, on each automatic mechanism.",
  units = {
    a = {
      criterion = "Wherever updates install automatically, the user has a way to turn that on, turn it off, or postpone an installation.",
      rule = "No automatic mechanism: vacuous PASS; Configuration absent or a placeholder FAILs; otherwise a person's call; automatic absent IXIT_MISSING.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      return units:stop("FAIL", "7-UpdMech is empty: no update mechanism is declared")
    end
    local auto, manual = {}, {}
    for _, m in ipairs(mechs) do
      local v = lib.fact(m, "automatic")
      if v == true then auto[#auto + 1] = m
      elseif v == false then manual[#manual + 1] = m.id
      else units:add("a", "INCONCLUSIVE", lib.missing("7-UpdMech", m, "automatic")) end
    end
    if #auto == 0 and #manual == #mechs then
      units:add("a", "PASS", "vacuous: no mechanism is automatic (automatic=false on "
          .. lib.join(manual) .. ")")
    end
    for _, m in ipairs(auto) do
      if lib.require_text(units, "a", "7-UpdMech", m, { CONF },
          ": an automatic mechanism without a declared configuration") then
        lib.review(units, "a", m.id .. ": judge whether the user can enable, disable or "
            .. "postpone the automatic installation of security updates: "
            .. lib.quote_fields(m, { CONF, INIT }, 160))
      end
    end
    return units:settle(#auto == 0 and "vacuous: no mechanism is automatic"
        or "automatic installation can be enabled, disabled or postponed")
  end,
}
