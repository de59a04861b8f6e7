-- Test group 5.6-4B (EN 303 645 V3.1.3): debug interfaces that are
-- physical ports are, in addition, protected against physical access.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.6-4 into 5.6-4A (disabled or protected by
-- authentication) and 5.6-4B (this recommendation, feature r), and TS 103
-- 701 V1.1.1 covers V2.1.1 only.  Assay wrote this test case from the
-- V3.1.3 provision summary (spec/en303645_v3.1.3_provisions.csv; its
-- wording there is marked unverified) and the 15-Intf facts TS 103 701's
-- 5.6-4-1 reads (kind, debug; "Protection" lists casing and the like).
-- The report marks it Assay-defined.
group "5.6-4B"

local ITEM = "15-Intf"

-- 5.6-4B-1 a, per 15-Intf entry with debug=true and kind=physical:
-- "Protection" absent or a placeholder -> FAIL (nothing stands between a
-- person and the port); otherwise a person judges whether it protects
-- against physical access (pads removed, potting, a sealed or
-- tamper-evident case), software disabling alone not counting: that is
-- 5.6-4A's.  kind or debug absent -> IXIT_MISSING.  No physical debug
-- interface: a person confirms there is none (then 5.6-4B is N/A in the
-- ICS: feature r absent).
testcase {
  id = "5.6-4B-1",
  type = "conceptual",
  ixit = { ITEM },
  purpose = "Each physical debug port is also protected against physical access, not only switched off in software.",
  units = {
    a = {
      criterion = "Every debug interface that is a physical port is also shielded from someone with the device in hand, beyond being switched off or guarded in software.",
      rule = "debug=true, kind=physical: Protection absent or a placeholder FAILs; otherwise a person's call; facts absent IXIT_MISSING; none declared: a person confirms.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local n = 0
    for _, e in ipairs(lib.entries(ITEM)) do
      local debug, kind = lib.fact(e, "debug"), lib.fact(e, "kind")
      if debug == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "debug"))
      elseif debug == true and kind == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "kind"))
      elseif debug == true and kind == "physical" then
        n = n + 1
        local prot = lib.field(e, "Protection")
        if lib.is_placeholder(prot) then
          units:add("a", "FAIL", e.id .. ": a physical debug port with no protection stated "
              .. "(\"Protection\" " .. (prot and lib.quote(prot, 40) or "absent") .. ")",
              prot and lib.TEXT or lib.FACTS)
        else
          lib.review(units, "a", e.id .. ": judge whether " .. lib.quote(prot, 200)
              .. " protects the physical debug port against physical access (removed pads, "
              .. "potting, a sealed or tamper-evident case), beyond disabling it in software")
        end
      end
    end
    if n == 0 and not units:has("a") then
      lib.review(units, "a", "15-Intf declares no physical debug interface (debug=true, "
          .. "kind=physical): confirm the device has none (then 5.6-4B is N/A in the ICS: "
          .. "feature r absent)")
    end
    return units:settle(n .. " physical debug port(s), each protected against physical access")
  end,
}
