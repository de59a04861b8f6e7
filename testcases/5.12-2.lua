-- Test group 5.12-2: the manufacturer guides users to set the device up
-- securely.
group "5.12-2"

local GUIDE = "Documentation of Secure Setup"
local DEC = "26-UserDec"

-- The 2-UserInfo entry that declares `name` (the first one that has it).
local function doc_entry(name)
  for _, e in ipairs(lib.entries("2-UserInfo")) do
    if lib.field(e, name) ~= nil then return e end
  end
  return lib.entries("2-UserInfo")[1]
end

-- The decisions 5.12-2-1 b and c are about: those declared
-- security-relevant; one without the fact counts (unknown is not "no"),
-- and is named so the person knows why it is on the list.
local function relevant_decisions()
  local out, unknown = {}, {}
  for _, e in ipairs(lib.entries(DEC)) do
    local r = lib.fact(e, "security-relevant")
    if r ~= false then out[#out + 1] = e.id end
    if r == nil then unknown[#unknown + 1] = e.id end
  end
  return out, unknown
end

-- 5.12-2-1 (TS 103 701): a) set the device up following the secure-setup
-- documentation of 2-UserInfo; b) every security-relevant decision of
-- 26-UserDec is covered there; c) the documentation recommends how to
-- take each of them for a secure setup.
--
-- a is the lab's observation of doing the setup by the guide; b and c are
-- the assessor's reading of the guide against the decisions.  The guide
-- absent or a placeholder FAILs all three (there is nothing to follow).
-- The decisions are those with security-relevant=true, and, stricter
-- than a facts rule, those without the fact (named in the question); with
-- none, b and c are vacuous PASSes.  Where the guide is a page on the
-- device, Assay fetches it: 404/410 or an empty page FAILs all three (the
-- declared guide is not there), a page found is kept as evidence for the
-- person.  Assay does not read the guide's words: matching decision
-- names in it would be a PASS by keywords.
testcase {
  id = "5.12-2-1",
  type = "functional",
  ixit = { "2-UserInfo", DEC },
  purpose = "The secure-setup guide can be followed and covers every security-relevant decision with a recommendation.",
  units = {
    a = {
      criterion = "The device can be set up by following the manufacturer's secure-setup documentation.",
      rule = "Documentation of Secure Setup absent, a placeholder, or a page on the device that is missing or empty FAILs; otherwise the observation.",
      observation = "secure-setup-by-guide",
      observe = "Set the device up from its initial state following only the Documentation of Secure Setup; record each step and whether it could be followed.",
      decided = "observation",
      reach = "physical",
    },
    b = {
      criterion = "Each security-relevant user decision is dealt with in the secure-setup documentation.",
      rule = "Guide absent, a placeholder, or missing or empty on the device FAILs; no security-relevant decision: vacuous PASS; otherwise a person's call per decision.",
      decided = "assessor",
      reach = "physical",
    },
    c = {
      criterion = "The secure-setup documentation recommends how to take each security-relevant decision so the setup is secure.",
      rule = "Guide absent, a placeholder, or missing or empty on the device FAILs; no security-relevant decision: vacuous PASS; otherwise a person's call per decision.",
      decided = "assessor",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e = doc_entry(GUIDE)
    if e == nil then
      return units:stop("FAIL", "2-UserInfo declares no entry: no " .. GUIDE)
    end
    local ok = true
    for _, l in ipairs({ "a", "b", "c" }) do
      ok = lib.require_text(units, l, "2-UserInfo", e, { GUIDE }, ": no secure-setup guidance") and ok
    end
    if not ok then return units:settle("") end
    local guide = lib.quote_fields(e, { GUIDE }, 200)
        .. lib.fetch_doc(units, { "a", "b", "c" }, e, GUIDE, "secure-setup-guide.html")
    local rel, unknown = relevant_decisions()
    if #rel == 0 then
      units:add("b", "PASS", "vacuous: 26-UserDec declares no security-relevant decision")
      units:add("c", "PASS", "vacuous: 26-UserDec declares no security-relevant decision")
    else
      local note = #unknown > 0 and (" (security-relevant not declared on "
          .. lib.join(unknown) .. ": counted)") or ""
      lib.review(units, "b", "judge whether " .. guide .. " deals with each security-relevant "
          .. "decision: " .. lib.join(rel) .. note)
      lib.review(units, "c", "judge whether " .. guide .. " recommends, for each of "
          .. lib.join(rel) .. ", the choice that gives a secure setup" .. note)
    end
    return lib.manual(units, { "a" }, guide)
  end,
}
