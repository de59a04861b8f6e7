-- Test group 6-3B (EN 303 645 V3.1.3): where processing relies on
-- consent, the device provides a way to store information about the
-- consent given.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 6-3 into 6-3A (withdrawing consent) and 6-3B
-- (this one, what V2.1.1 did not ask), and TS 103 701 V1.1.1 covers V2.1.1
-- only.  Assay wrote this test case from the V3.1.3 provision summary
-- (spec/en303645_v3.1.3_provisions.csv; its wording there is marked
-- unverified) and the 21-PersData fields TS 103 701's 6-2-1 and 6-3-1
-- read ("Obtaining Consent", "Processing Activities"); which entries rest
-- on consent, and the vacuous case, as 6-3-1 (lib.consent_list).  The
-- report marks it Assay-defined.
group "6-3B"

local OBTAIN, PROC = "Obtaining Consent", "Processing Activities"

-- 6-3B-1 a, per 21-PersData entry with basis=consent: "Obtaining Consent"
-- and "Processing Activities" both absent or placeholders -> FAIL (nothing
-- describes the consent, let alone a record of it); otherwise a person
-- judges from the quoted text whether the device or its service keeps a
-- record of the consent given (what was consented to, when, by whom) and
-- how.  No IXIT fact says so, so no PASS without the assessor.  No
-- consent-based processing: vacuous PASS; condition 7 true with none
-- declared FAILs; basis absent IXIT_MISSING (lib.consent_list).
testcase {
  id = "6-3B-1",
  type = "conceptual",
  ixit = { "21-PersData" },
  purpose = "Where processing relies on consent, a record of the consent given is kept and the way it is kept is described.",
  units = {
    a = {
      criterion = "Wherever personal data is processed because the consumer consented, the device or its service keeps a record of what was consented to and when.",
      rule = "Consent-based entry with neither Obtaining Consent nor Processing Activities described FAILs; otherwise a person's call; vacuous and incomplete-IXIT rules as 6-3-1.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, done = lib.consent_list(units, "a")
    if not list then return units:settle(done) end
    for _, p in ipairs(list) do
      local ob, pr = lib.field(p, OBTAIN), lib.field(p, PROC)
      if lib.is_placeholder(ob) and lib.is_placeholder(pr) then
        units:add("a", "FAIL", p.id .. ": neither \"" .. OBTAIN .. "\" nor \"" .. PROC
            .. "\" is described: nothing says that a record of the consent is kept",
            (ob or pr) and lib.TEXT or lib.FACTS)
      else
        lib.review(units, "a", p.id .. ": judge whether a record of the consent given (what, "
            .. "when, by whom) is kept: " .. lib.quote_fields(p, { OBTAIN, PROC }, 200))
      end
    end
    return units:settle(#list .. " consent-based kind(s) of personal data with a record of consent")
  end,
}
