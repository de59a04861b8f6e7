-- Test group 5.3-1: software components are updatable securely.  Only
-- the functional test case is here (5.3-1-1, the justifications and the
-- design review, is issue 14).
group "5.3-1"

-- 5.3-1-2 a: 5.3-2-2's units applied to every 7-UpdMech entry a software
-- component of 6-SoftComp refers to (<ref item="7-UpdMech" .../>), both
-- recorded on unit a (lib.update_misuse: a tampered, unsigned, foreign-key
-- or older image installed FAILs; PASS iff all are refused, the genuine
-- release is installed and every attack the facts call for was served;
-- no <update> or no gateway -> MANUAL_STEP_PENDING).  6-SoftComp empty,
-- or no component referring to a mechanism -> IXIT_MISSING (an updatable
-- device that names no mechanism for any component is incomplete; a
-- component without one is 5.3-1-1's question).
testcase {
  id = "5.3-1-2",
  type = "functional",
  ixit = { "6-SoftComp", "7-UpdMech" },
  purpose = "The update-misuse tests of 5.3-2-2 hold for every update mechanism a software component refers to.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Every update mechanism that a listed software component names withstands the functional misuse attempts of 5.3-2-2.",
      rule = "5.3-2-2's rules per referenced mechanism: an attack image installed FAILs; PASS iff all refused, the genuine one installed and every devised attack served.",
      observation = "update-misuse",
      observe = "offer the device each attack image (byte flipped, no signature, another key, older) for the mechanism and read its firmware version and image digest before and after each",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("update_serve"))
    local comps = lib.entries("6-SoftComp")
    if #comps == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:6-SoftComp/-/-: no software component "
          .. "declared", lib.FACTS)
    end
    local by, mechs, seen = {}, {}, {}
    for _, m in ipairs(lib.entries("7-UpdMech")) do by[m.id] = m end
    for _, c in ipairs(comps) do
      for _, ref in ipairs(c.refs or {}) do
        if ref.item == "7-UpdMech" and by[ref.entry] and not seen[ref.entry] then
          seen[ref.entry] = true
          mechs[#mechs + 1] = by[ref.entry]
        end
      end
    end
    if #mechs == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:6-SoftComp/-/ref to 7-UpdMech: no "
          .. "software component refers to an update mechanism", lib.FACTS)
    end
    lib.update_misuse(units, "a", "a", mechs)
    return units:settle(#mechs .. " update mechanism(s) of the software components resisted "
        .. "the misuse attempts")
  end,
}
