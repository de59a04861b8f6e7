-- Test group 5.1-2A (EN 303 645 V3.1.3): machine-to-machine
-- authentication should not rely on passwords.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- it is new in V3.1.3 (a recommendation with no V2.1.1 predecessor), and
-- TS 103 701 V1.1.1 covers V2.1.1 only.  Assay wrote this test case from
-- the V3.1.3 provision summary (spec/en303645_v3.1.3_provisions.csv; its
-- wording there is marked unverified) and the 1-AuthMech facts TS 103
-- 701's clause 5.1 test cases read (user-auth, factor; docs/facts.md).
-- The report marks it Assay-defined.
group "5.1-2A"

local ITEM = "1-AuthMech"

-- 5.1-2A-1 a, per 1-AuthMech entry with user-auth=false (a machine
-- authenticates, not a person):
--   factor password or pin                   FAIL (a password it is)
--   factor key, certificate or token         PASS by the facts
--                                            (lib.fact_pass over
--                                            "Authentication Factor")
--   factor biometric or other                a person judges from the
--                                            quoted factor whether it is
--                                            a password in other words
--   factor absent                            IXIT_MISSING
-- Entries whose user-auth is absent: IXIT_MISSING (they may be machine
-- authentication).  No machine authentication at all: PASS, vacuous
-- (nothing relies on a password).  Stricter than "avoid": any machine
-- password FAILs, however strong; a lab that judges a strong one
-- acceptable records that by a judgement with its reason.
testcase {
  id = "5.1-2A-1",
  type = "conceptual",
  ixit = { ITEM },
  purpose = "Machine-to-machine authentication uses cryptographic credentials or tokens, not passwords.",
  units = {
    a = {
      criterion = "Where one machine authenticates to another, the secret it presents is a cryptographic credential or token rather than a password or PIN.",
      rule = "user-auth=false: factor password or pin FAILs, key, certificate or token PASSes, other a person's call; absent facts IXIT_MISSING; no machine authentication: vacuous PASS.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local n = 0
    for _, e in ipairs(lib.entries(ITEM)) do
      local user, factor = lib.fact(e, "user-auth"), lib.fact(e, "factor")
      if user == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "user-auth"))
      elseif user == false then
        n = n + 1
        if factor == nil then
          units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "factor"))
        elseif factor == "password" or factor == "pin" then
          units:add("a", "FAIL", e.id .. ": user-auth=false, factor=" .. factor
              .. ": machine-to-machine authentication relies on a " .. factor)
        elseif factor == "key" or factor == "certificate" or factor == "token" then
          lib.fact_pass(units, "a", e, { "Authentication Factor" }, e.id
              .. ": user-auth=false, factor=" .. factor .. " (rule: a cryptographic "
              .. "credential or token, not a password)")
        else
          lib.review(units, "a", e.id .. ": user-auth=false, factor=" .. factor
              .. "; judge whether the factor " .. lib.quote(lib.field(e,
              "Authentication Factor") or "absent", 200) .. " is a password by another name")
        end
      end
    end
    if n == 0 and not units:has("a") then
      units:add("a", "PASS", "vacuous: no machine-to-machine authentication is declared "
          .. "(no 1-AuthMech entry with user-auth=false)")
    end
    return units:settle(n == 0 and "vacuous: no machine-to-machine authentication is declared"
        or (n .. " machine-to-machine authentication mechanism(s), none by password"))
  end,
}
