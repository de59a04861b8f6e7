-- Test group 5.6-7: software runs with the least privileges it needs.
group "5.6-7"

local ITEM = "17-PrivlCtrl"
local NAMES = { "privilege control mechanisms", "Description" }

-- The three principles of the unit, with words that show a description
-- touches them: only to phrase the question to the assessor.
local PRINCIPLES = {
  { "separation of duty", { "separat", "own user", "its own", "per-service", "per service", "own account", "separate account",
    "isolat", "sandbox", "container", "namespace" } },
  { "need to know", { "need to know", "need-to-know", "only the files", "access control",
    "permission", "acl", "mac ", "selinux", "apparmor" } },
  { "least privilege", { "least privilege", "unprivileged", "non-root", "not as root",
    "drop", "capabilit", "seccomp", "pledge", "nx" } },
}

-- 5.6-7-1 a: whether the declared privilege control mechanisms together
-- support separation of duty, need to know and least privilege.
--
-- Rules: 17-PrivlCtrl empty, or every description empty or a placeholder
-- -> FAIL (the ICS claims the provision); otherwise REVIEW_PENDING quoting
-- the descriptions and naming the principles they do not seem to address
-- (keyword hints only, never a verdict).  No structured fact: whether
-- processes run as root is what the assessor reads from the description
-- (a fact for it would only move the manufacturer's word into a field).
-- The same as the text.
testcase {
  id = "5.6-7-1",
  type = "conceptual",
  ixit = { "17-PrivlCtrl" },
  purpose = "The privilege control mechanisms together provide separation of duty, need to know and least privilege.",
  units = {
    a = {
      criterion = "Taken together, the mechanisms that limit software privileges on the device support splitting duties, access only where needed, and the smallest privileges that work.",
      rule = "No 17-PrivlCtrl description, or only placeholders, FAILs; whether the three principles are met is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.TEXT)
    local d = lib.descriptions(units, { "a" }, ITEM, NAMES, "privilege control mechanism")
    if d then
      local missing = lib.unmentioned(d, PRINCIPLES)
      lib.review(units, "a", "judge whether the mechanisms " .. lib.quote_all(d)
          .. " together give separation of duty, need to know and least privilege"
          .. (#missing > 0 and (" (the text does not seem to address " .. lib.join(missing)
          .. ")") or "") .. lib.doubt_note(d))
    end
    return units:settle("privilege control mechanisms judged adequate")
  end,
}
