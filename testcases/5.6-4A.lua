-- Test group 5.6-4A (EN 303 645 V3.1.3): debug interfaces are disabled, or
-- protected by authentication or access control that follows best
-- practice.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.6-4 (a physically accessible debug interface is
-- disabled in software) into 5.6-4A (this one, mandatory where the device
-- has debug interfaces, feature q) and 5.6-4B (physical ports also
-- protected against physical access), and TS 103 701 V1.1.1 covers V2.1.1
-- only.  Assay wrote this test case from the V3.1.3 provision summary
-- (spec/en303645_v3.1.3_provisions.csv), reading the same 15-Intf facts as
-- TS 103 701's 5.6-4-1 (testcases/5.6-4.lua); what is new is the second way
-- to comply: an interface left enabled passes when it is protected.  The
-- report marks it Assay-defined.
group "5.6-4A"

local ITEM = "15-Intf"

local function facts(e)
  return e.id .. ": " .. lib.facts_text(e, { "kind", "status", "exposure", "debug" })
end

-- 5.6-4A-1 a, per 15-Intf entry with debug=true (any kind: V3.1.3 says
-- "debug interfaces", not only physical ones):
--   status disabled or permanently-disabled     PASS by the facts
--                                               (lib.fact_pass against
--                                               "Protection": doubting
--                                               text goes to a person)
--   status enabled, "Protection" absent or a    FAIL (neither way to
--   placeholder                                 comply is declared)
--   status enabled, "Protection" stated         a person judges whether it
--                                               is authentication or access
--                                               control of best practice
--   status absent                               IXIT_MISSING
-- No entry with debug=true: entries whose `debug` is unknown are
-- IXIT_MISSING; otherwise a person confirms the device has no debug
-- interface (then the ICS should declare 5.6-4A N/A: feature q absent).
-- Looser than 5.6-4-1 b and c: an interface that is only switched off by
-- default, or left on behind strong authentication, passes here, as
-- V3.1.3 allows.  Whether it is really off or really asks for credentials
-- is for a functional check (5.6-4-2 probes the declared interfaces).
testcase {
  id = "5.6-4A-1",
  type = "conceptual",
  ixit = { ITEM },
  purpose = "Each declared debug interface is disabled, or protected by authentication or access control of best practice.",
  units = {
    a = {
      criterion = "Every debug interface of the device is either switched off, or can only be used after authentication or access control that follows best practice.",
      rule = "debug=true with status disabled or permanently-disabled PASSes; enabled without a stated Protection FAILs; enabled with one: a person's call; status absent IXIT_MISSING.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, unknown = {}, {}
    for _, e in ipairs(lib.entries(ITEM)) do
      local d = lib.fact(e, "debug")
      if d == true then list[#list + 1] = e elseif d == nil then unknown[#unknown + 1] = e end
    end
    for _, e in ipairs(unknown) do
      units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "debug"))
    end
    if #list == 0 and #unknown == 0 then
      lib.review(units, "a", "15-Intf declares no debug interface (debug=true): confirm the "
          .. "device has none (then 5.6-4A is N/A in the ICS: feature q absent)")
    end
    for _, e in ipairs(list) do
      local status, prot = lib.fact(e, "status"), lib.field(e, "Protection")
      if status == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "status"))
      elseif status == "disabled" or status == "permanently-disabled" then
        lib.fact_pass(units, "a", e, { "Protection" }, facts(e) .. " (rule: a debug interface "
            .. "that is switched off complies)")
      elseif lib.is_placeholder(prot) then
        units:add("a", "FAIL", facts(e) .. ": the debug interface is enabled and no protection "
            .. "is stated (\"Protection\" " .. (prot and lib.quote(prot, 40) or "absent")
            .. "): it is neither disabled nor protected", prot and lib.TEXT or lib.FACTS)
      else
        lib.review(units, "a", facts(e) .. ": enabled; judge whether the protection "
            .. lib.quote(prot, 200) .. " is authentication or access control of best practice "
            .. "(per-device credentials or keys, not a shared or fixed secret)")
      end
    end
    return units:settle(#list .. " debug interface(s), each disabled or protected")
  end,
}
