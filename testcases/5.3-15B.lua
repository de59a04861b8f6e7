-- Test group 5.3-15B (EN 303 645 V3.1.3): a product whose software cannot be
-- updated has hardware that can be replaced.  Applicability (V2.1.1 condition 3: software cannot be
-- updated) is the engine's.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.3-15 (isolable and replaceable hardware) into
-- 5.3-15A (isolation) and 5.3-15B (hardware replacement), and TS 103 701
-- V1.1.1 covers V2.1.1 only.  Assay wrote this test case from the V3.1.3
-- provision summary (spec/en303645_v3.1.3_provisions.csv); its one unit is
-- TS 103 701's 5.3-15-1 unit b in Assay's own words, read from the same
-- 9-ReplSup field as testcases/5.3-15.lua.  Unlike V2.1.1, V3.1.3 drops
-- the "constrained device" condition 4.  The report marks it Assay-defined.
group "5.3-15B"

local ITEM, FIELD = "9-ReplSup", "Hardware Replacement"

-- 5.3-15B-1 a: 9-ReplSup empty although the provision applies -> FAIL (the
-- IXIT is incomplete, policy rule 4); per entry, "Hardware Replacement" absent or a
-- placeholder -> FAIL (nothing described to judge); otherwise suitability
-- is a person's call (policy rule 6), REVIEW_PENDING quoting the method.
-- No structured fact exists for it, so no PASS without the assessor.
testcase {
  id = "5.3-15B-1",
  type = "conceptual",
  ixit = { ITEM },
  purpose = "The declared way of replacing the hardware of a product that cannot be updated suits the product.",
  units = {
    a = {
      criterion = "For a product whose software cannot be updated, the declared hardware replacement method really lets the hardware be swapped so that function returns.",
      rule = "No 9-ReplSup entry, or an absent or placeholder Hardware Replacement, FAILs; suitability is the assessor's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = lib.entries(ITEM)
    if #list == 0 then
      return units:stop("FAIL", "9-ReplSup is empty although 5.3-15B applies: no hardware replacement "
          .. "method declared")
    end
    for _, e in ipairs(list) do
      local text = lib.field(e, FIELD)
      if text == nil then
        units:add("a", "FAIL", e.id .. ": \"" .. FIELD .. "\" absent: no method described")
      elseif lib.is_placeholder(text) then
        units:add("a", "FAIL", e.id .. ": \"" .. FIELD .. "\" is a placeholder "
            .. lib.quote(text, 40), lib.TEXT)
      else
        lib.review(units, "a", e.id .. ": judge whether the method " .. lib.quote(text, 300)
            .. " would let the hardware be replaced so that connectivity and function come back")
      end
    end
    return units:settle("hardware replacement method declared")
  end,
}
