-- Test group 5.5-8: the manufacturer manages critical security parameters
-- securely over their life cycle.
group "5.5-8"

local FIELD = "process description covering generation, provisioning, storage, updates, "
    .. "decommissioning/archival/destruction, expiry and compromise handling"
local CONF = "Confirmation of Secure Management"

-- Life-cycle stages the text names, with words that show a description
-- touches them.  Only to phrase the question to the assessor (which
-- stages the text does not seem to mention): never a verdict.
local STAGES = {
  { "generation", { "generat", "creat", "derive" } },
  { "provisioning", { "provision", "inject", "install", "enrol" } },
  { "storage", { "stor", "kept", "secure element", "tpm", "hsm" } },
  { "updates", { "update", "rotat", "renew", "replac" } },
  { "decommissioning, archival and destruction", { "decommission", "archiv", "destr", "wipe",
    "eras", "delet", "revok" } },
  { "expiry and compromise", { "expir", "compromis", "revoc", "revok" } },
}

-- 5.5-8-1:
--   a) 14-SecMgmt empty (the ICS claims 5.5-8, so a process must be
--      described) or every description empty/placeholder FAILs; otherwise
--      REVIEW_PENDING quoting the descriptions and naming the stages they
--      do not seem to mention (keyword hints only).
--   b) "Confirmation of Secure Management" of 4-Conf absent, empty or a
--      placeholder FAILs; otherwise REVIEW_PENDING quoting it (whether it
--      confirms is a reading of free text: lib.text_doubt's negations are
--      named in the question).  There is no structured fact for either.
testcase {
  id = "5.5-8-1",
  type = "conceptual",
  ixit = { "4-Conf", "14-SecMgmt" },
  purpose = "Secure management of critical security parameters covers their whole life cycle and is confirmed by the manufacturer.",
  units = {
    a = {
      criterion = "The described management processes cover each stage of a critical security parameter's life: generation, provisioning, storage, update, decommissioning to destruction, and expiry or compromise.",
      rule = "No 14-SecMgmt description, or only placeholders, FAILs; coverage is a person's call (stages not mentioned are named).",
      decided = "assessor",
    },
    b = {
      criterion = "The manufacturer's confirmations include one that secure management of critical security parameters is in place.",
      rule = "An absent, empty or placeholder Confirmation of Secure Management FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.TEXT)
    local texts = {}
    for _, e in ipairs(lib.entries("14-SecMgmt")) do
      local t = lib.field(e, FIELD) or lib.field(e, "process description")
      if t and not lib.is_placeholder(t) then texts[#texts + 1] = { id = e.id, text = t } end
    end
    if #texts == 0 then
      units:add("a", "FAIL", "14-SecMgmt describes no management process for critical "
          .. "security parameters (" .. #lib.entries("14-SecMgmt") .. " entr"
          .. (#lib.entries("14-SecMgmt") == 1 and "y" or "ies") .. ", none with a description)")
    else
      local all, quoted = {}, {}
      for _, t in ipairs(texts) do
        all[#all + 1] = t.text:sub(1, 4000):lower()
        quoted[#quoted + 1] = t.id .. " " .. lib.quote(t.text, 300)
      end
      local joined = table.concat(all, " ")
      local missing = {}
      for _, st in ipairs(STAGES) do
        if lib.mentions(joined, st[2]) == nil then missing[#missing + 1] = st[1] end
      end
      lib.review(units, "a", "does the process " .. table.concat(quoted, "; ") .. " cover "
          .. "generation, provisioning, storage, updates, decommissioning/archival/destruction "
          .. "and expiry/compromise of every critical security parameter?"
          .. (#missing > 0 and (" (the text does not seem to mention " .. lib.join(missing)
          .. ")") or ""))
    end
    local conf
    for _, e in ipairs(lib.entries("4-Conf")) do
      conf = conf or lib.field(e, CONF)
    end
    if conf == nil or lib.is_placeholder(conf) then
      units:add("b", "FAIL", "4-Conf gives no \"" .. CONF .. "\" ("
          .. (conf and lib.quote(conf) or "absent") .. ")")
    else
      local doubt = lib.text_doubt(conf)
      lib.review(units, "b", "does " .. lib.quote(conf) .. " confirm that secure management "
          .. "of critical security parameters is in place?"
          .. (doubt and (" (the text " .. doubt .. ")") or ""))
    end
    return units:settle("secure management covers the life cycle and is confirmed")
  end,
}
