-- Test group 6-4: personal data in telemetry is kept to what the intended
-- functionality needs.
group "6-4"

-- 6-4-1 a, per 24-TelData entry:
--   personal-data absent                         IXIT_MISSING
--   personal-data=false, refers to 21-PersData   FAIL (the entry contradicts itself)
--   personal-data=false, no such reference       PASS by the facts (no personal data to minimise),
--                                                unless "Personal Data" names something (not
--                                                absent or a placeholder such as "none") or the
--                                                Description mentions personal words: REVIEW_PENDING
--   personal-data=true, no 21-PersData reference IXIT_MISSING (which data?)
--   personal-data=true, Purpose absent/placeholder  FAIL (necessity has no yardstick)
--   personal-data=true otherwise                 REVIEW_PENDING: is each referenced datum
--                                                needed for the quoted Purpose?
-- Stricter than the text (a conceptual review): when the lab has a gateway
-- and watches personal data, Assay also looks at the telemetry the device
-- really sends (lib.telemetry_seen): a watched personal datum in clear on
-- a channel carrying telemetry that no entry with personal-data=true
-- declares FAILs with its frames, since the declaration the review rests
-- on is then false.  Encrypted telemetry shows nothing: never a PASS.
-- No 24-TelData entry while the ICS says telemetry is collected
-- (condition 6) FAILs: the IXIT is incomplete.
-- Words in a Description that make personal-data=false doubtful: they
-- only turn the facts' PASS into a question, never decide.
local PERSONAL_WORDS = { "e-mail", "email", "name", "address", "location", "gps", "phone",
    "account", "user id", "contacts", "audio", "video", "image", "photo" }

testcase {
  id = "6-4-1",
  type = "conceptual",
  ixit = { "21-PersData", "24-TelData" },
  purpose = "Personal data in telemetry is limited to what the declared purpose needs.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Every personal datum the telemetry declarations refer to is needed to achieve the purpose stated for collecting that telemetry.",
      rule = "personal-data=false without references PASSes by facts; contradictions, no purpose, or watched undeclared personal data seen in the telemetry FAIL; necessity a person's call.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local tel = lib.entries("24-TelData")
    if #tel == 0 then
      units:add("a", "FAIL", "the ICS says telemetry is collected (condition 6) but 24-TelData "
          .. "declares none: the IXIT is incomplete")
      return units:settle("")
    end
    local pds = {}
    for _, p in ipairs(lib.entries("21-PersData")) do pds[p.id] = p end
    for _, t in ipairs(tel) do
      local pd, refs = lib.fact(t, "personal-data"), {}
      for _, ref in ipairs(t.refs or {}) do
        if ref.item == "21-PersData" then refs[#refs + 1] = ref.entry end
      end
      local purpose = lib.field(t, "Purpose")
      if pd == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("24-TelData", t, "personal-data"))
      elseif pd == false and #refs > 0 then
        units:add("a", "FAIL", t.id .. ": personal-data=false, yet it refers to 21-PersData "
            .. lib.join(refs))
      elseif pd == false then
        local text = lib.field(t, "Personal Data")
        local hint = lib.mentions(lib.field(t, "Description"), PERSONAL_WORDS)
        if text and not lib.is_placeholder(text) then
          lib.review(units, "a", t.id .. ": personal-data=false, but \"Personal Data\" says "
              .. lib.quote(text, 200) .. ": resolve which personal data the telemetry holds")
        elseif hint then
          lib.review(units, "a", t.id .. ": personal-data=false, but the Description "
              .. lib.quote(lib.field(t, "Description"), 200) .. " mentions \"" .. hint
              .. "\": judge whether the telemetry holds personal data")
        else
          units:add("a", "PASS", t.id .. ": personal-data=false and no 21-PersData reference "
              .. "(rule: telemetry without personal data has none to minimise)")
        end
      elseif #refs == 0 then
        units:add("a", "INCONCLUSIVE", lib.missing("24-TelData", t, "Personal Data")
            .. " (personal-data=true but no reference to a 21-PersData entry)")
      elseif purpose == nil or lib.is_placeholder(purpose) then
        units:add("a", "FAIL", t.id .. ": carries " .. lib.join(refs) .. " but its Purpose is "
            .. (purpose and lib.quote(purpose, 40) or "absent") .. ": necessity cannot be "
            .. "measured", purpose and lib.TEXT or lib.FACTS)
      else
        local what = {}
        for _, id in ipairs(refs) do
          what[#what + 1] = id .. " (" .. lib.clip(pds[id] and lib.field(pds[id],
              "personal data item/description") or "?", 80) .. ")"
        end
        local fields = lib.fact_list(t, "fields") or {}
        lib.review(units, "a", t.id .. ": judge whether " .. lib.join(what) .. " is needed for "
            .. "the purpose " .. lib.quote(purpose, 200)
            .. (#fields > 0 and (" (declared fields: " .. table.concat(fields, " ") .. ")") or ""))
      end
    end
    local findings, declared, note = lib.telemetry_seen()
    local how = lib.probed("observe",
        "the run's capture at the gateway, read on the telemetry channels")
    for _, f in ipairs(findings) do units:add("a", "FAIL", f, how) end
    if note then assay.log("6-4-1: telemetry not observed: " .. note) end
    for _, d in ipairs(declared) do assay.log("6-4-1: seen " .. d) end
    return units:settle("telemetry personal data judged against its purpose")
  end,
}
