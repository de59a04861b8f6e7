-- Test group 5.3-9: the device checks the authenticity and integrity of
-- software updates.
group "5.3-9"

-- 5.3-9-1 (TS 103 701), per 7-UpdMech mechanism: a) authenticity (source:
-- the manufacturer; target: this device) and b) integrity of an update are
-- suitably verified before installation, by "Security Guarantees" and
-- "Cryptographic Details"; c) the authenticity check and d) the integrity
-- check are made by the device itself.
--
-- a, b: lib.update_check_units: authenticity=none FAILs a; integrity=none
-- or integrity=hash without authenticity FAILs b; absent facts
-- IXIT_MISSING; otherwise REVIEW_PENDING quoting both fields.
-- c, d: no fact says who verifies: authenticity=none (c) or the b FAILs
-- (d) FAIL (nothing is verified, by the device or anyone); absent facts
-- IXIT_MISSING; otherwise REVIEW_PENDING: does "Security Guarantees" say
-- the device itself verifies (a cloud-side check does not count).
-- 7-UpdMech empty -> FAIL (condition 12: a mechanism is implemented).
testcase {
  id = "5.3-9-1",
  type = "conceptual",
  ixit = { "7-UpdMech" },
  purpose = "The device itself verifies the authenticity and integrity of each software update before installing it.",
  units = {
    a = {
      criterion = "Each update mechanism suitably verifies, before installation, that an update comes from the manufacturer and is meant for this device.",
      rule = "authenticity=none FAILs; absent IXIT_MISSING; suitability is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Each update mechanism suitably verifies, before installation, that an update has not been altered.",
      rule = "integrity=none, or integrity=hash without authenticity, FAILs; absent IXIT_MISSING; suitability is a person's call.",
      decided = "assessor",
    },
    c = {
      criterion = "The authenticity of updates is verified by the device itself, not by another party.",
      rule = "authenticity=none FAILs; otherwise a person reads Security Guarantees for who verifies.",
      decided = "assessor",
    },
    d = {
      criterion = "The integrity of updates is verified by the device itself, not by another party.",
      rule = "integrity=none or a hash without authenticity FAILs; otherwise a person reads Security Guarantees for who verifies.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      return units:stop("FAIL", "7-UpdMech is empty although condition 12 (an update "
          .. "mechanism is implemented) holds")
    end
    lib.update_check_units(units, "a", "b", mechs)
    for _, m in ipairs(mechs) do
      local v = lib.update_verification(m)
      for _, p in ipairs({ { "c", "authenticity", v.auth }, { "d", "integrity", v.integ } }) do
        local l, fact, fails = p[1], p[2], p[3]
        if lib.fact(m, fact) == nil then
          units:add(l, "INCONCLUSIVE", lib.missing("7-UpdMech", m, fact))
        elseif #fails > 0 then
          units:add(l, "FAIL", m.id .. ": no " .. fact .. " check the device could perform ("
              .. lib.facts_text(m, { "authenticity", "integrity" }) .. ")")
        else
          lib.review(units, l, m.id .. ": check that the device itself verifies " .. fact
              .. " (" .. fact .. "=" .. lib.show(lib.fact(m, fact)) .. "): "
              .. lib.quote_fields(m, { "Security Guarantees" }, 200))
        end
      end
    end
    return units:settle(#mechs .. " update mechanism(s) verified by the device")
  end,
}
