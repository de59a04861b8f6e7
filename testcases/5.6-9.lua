-- Test group 5.6-9: the manufacturer develops the device's software by
-- secure development processes.
group "5.6-9"

local ITEM = "19-SecDev"
local NAMES = { "process description covering developer training, requirements/design, "
    .. "secure coding, tooling, testing, review, archival, deployment and third-party "
    .. "suppliers", "process description", "Description" }

-- The areas unit a lists, with words that show a description touches
-- them: only to phrase the question to the assessor, never a verdict.
local AREAS = {
  { "developer security training", { "train", "educat", "course", "awareness" } },
  { "requirements and design", { "requirement", "design", "threat model" } },
  { "secure coding", { "coding", "guideline", "misra", "cert c" } },
  { "security tooling", { "tool", "static analy", "sanitizer", "fuzz", "linter", "sast" } },
  { "security testing", { "test", "fuzz", "penetration", "pentest" } },
  { "security review", { "review", "audit" } },
  { "archival of security-relevant assets", { "archiv", "retain", "retention", "escrow" } },
  { "secure deployment", { "deploy", "release", "signing", "signed" } },
  { "third-party suppliers", { "third-party", "third party", "supplier", "vendor", "open source",
    "open-source", "sbom" } },
}

-- 5.6-9-1:
--   a) 19-SecDev empty, or every description empty or a placeholder ->
--      FAIL (the ICS claims the provision); otherwise REVIEW_PENDING quoting
--      the processes and naming the areas of the unit they do not seem to
--      mention (keyword hints only).  Third-party suppliers count only
--      where they take part in development: the assessor's call.
--   b) "Confirmation of Secure Development" of 4-Conf absent, empty or a
--      placeholder -> FAIL; otherwise REVIEW_PENDING quoting it
--      (lib.confirmation, as 5.2-2-1 b).
-- No fact decides either; the same as the text.
testcase {
  id = "5.6-9-1",
  type = "conceptual",
  ixit = { "4-Conf", "19-SecDev" },
  purpose = "The secure development process covers training, design, coding, tooling, testing, review, deployment and suppliers, and is confirmed.",
  units = {
    a = {
      criterion = "The described development process addresses developer training, requirements and design, safe coding, security tools, testing, review, archiving, deployment and, where used, outside suppliers.",
      rule = "No 19-SecDev description, or only placeholders, FAILs; coverage is a person's call (areas not mentioned are named).",
      decided = "assessor",
    },
    b = {
      criterion = "The manufacturer's confirmations include one that the secure development process is in place.",
      rule = "An absent, empty or placeholder Confirmation of Secure Development FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.TEXT)
    local d = lib.descriptions(units, { "a" }, ITEM, NAMES, "secure development process")
    if d then
      local missing = lib.unmentioned(d, AREAS)
      lib.review(units, "a", "judge whether the process " .. lib.quote_all(d) .. " covers "
          .. "developer training, requirements and design, secure coding, security tooling, "
          .. "security testing, security review, archival, secure deployment and (where they "
          .. "take part) third-party suppliers"
          .. (#missing > 0 and (" (the text does not seem to mention " .. lib.join(missing)
          .. ")") or "") .. lib.doubt_note(d))
    end
    lib.confirmation(units, "b", "Confirmation of Secure Development")
    return units:settle("secure development process covers every area and is confirmed")
  end,
}
