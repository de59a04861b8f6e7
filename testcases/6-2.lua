-- Test group 6-2: where processing rests on consent, consent is obtained
-- validly (a free, obvious, explicit opt-in).
group "6-2"

local OBTAIN = "Obtaining Consent"

-- 6-2-1 a: for each 21-PersData entry with basis=consent
-- (lib.consent_entries; an entry without basis is IXIT_MISSING): consent
-- other than consent="opt-in" (opt-out, implied, bundled) FAILs, as does
-- consent-before-processing=false (processing before the choice is no
-- choice), or an "Obtaining Consent" that is absent or a placeholder;
-- either fact absent is IXIT_MISSING.  What remains is a person's call on
-- "freely" and "obviously", which no fact states: REVIEW_PENDING quoting
-- the text.  Stricter than the text: the opt-in and its timing are
-- required facts.  Condition 7 with no consent-based entry FAILs (the ICS
-- says consent is relied on); the provision is N/A otherwise.
testcase {
  id = "6-2-1",
  type = "conceptual",
  ixit = { "21-PersData" },
  purpose = "Consent-based processing asks for a free, obvious and explicit opt-in choice, as declared.",
  units = {
    a = {
      criterion = "For each kind of personal data processed on consent, the declared way of asking gives the consumer a free, obvious and explicit opt-in choice.",
      rule = "consent other than opt-in, consent-before-processing=false, or no Obtaining Consent FAIL; facts absent IXIT_MISSING; free and obvious a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, done = lib.consent_list(units, "a")
    if not list then return units:settle(done) end
    for _, p in ipairs(list) do
      local mode, before = lib.fact(p, "consent"), lib.fact(p, "consent-before-processing")
      local text = lib.field(p, OBTAIN)
      local bad = false
      if mode == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("21-PersData", p, "consent")); bad = true
      elseif mode ~= "opt-in" then
        units:add("a", "FAIL", p.id .. ": consent=" .. mode .. ": not an explicit opt-in choice")
        bad = true
      end
      if before == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("21-PersData", p, "consent-before-processing"))
        bad = true
      elseif before == false then
        units:add("a", "FAIL", p.id .. ": consent-before-processing=false: the data is "
            .. "processed before the consumer has chosen")
        bad = true
      end
      if text == nil or lib.is_placeholder(text) then
        units:add("a", "FAIL", p.id .. ": \"" .. OBTAIN .. "\" " .. (text and
            lib.quote(text, 40) or "absent") .. ": how consent is asked is not described",
            text and lib.TEXT or lib.FACTS)
        bad = true
      end
      if not bad then
        lib.review(units, "a", p.id .. ": consent=opt-in before processing; judge from \""
            .. OBTAIN .. "\" " .. lib.quote(text, 240) .. " whether the choice is free (the "
            .. "device works without it), obvious and explicit for the stated purpose")
      end
    end
    return units:settle(#list .. " consent-based kind(s) of personal data reviewed")
  end,
}

-- 6-2-2 a: for each consent-based 21-PersData entry, a person goes through
-- the declared way of asking (onboarding, app, web UI) and records whether
-- consent is asked as declared before processing: the observation
-- `consent-flow`, quoting "Obtaining Consent" and the facts.  Nothing of it
-- is automated (the flows are in apps and on screens); the vacuous and
-- incomplete-IXIT rules are 6-2-1's.  As strict as the text: the person
-- compares with the declaration; Assay only makes sure every
-- consent-based entry is named in the step and that the IXIT has one when
-- the ICS relies on consent.
testcase {
  id = "6-2-2",
  type = "functional",
  ixit = { "21-PersData" },
  purpose = "On the device, consent for consent-based processing is asked for as declared, before the processing starts.",
  units = {
    a = {
      criterion = "For each kind of personal data processed on consent, consent is seen to be obtained on the device the way the IXIT describes.",
      rule = "A person's observation per consent-based entry; no entry while the ICS relies on consent FAILs; basis absent IXIT_MISSING.",
      observation = "consent-flow",
      observe = "Set the device up as a new consumer, go through the declared consent step and record whether it is an opt-in asked before the data is processed.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, done = lib.consent_list(units, "a")
    if not list then return units:settle(done) end
    for _, p in ipairs(list) do
      lib.manual_note(units, "a", p.id .. ": declared " .. lib.facts_text(p, { "consent",
          "consent-before-processing" }) .. ", \"" .. OBTAIN .. "\" "
          .. lib.quote(lib.field(p, OBTAIN) or "absent", 200))
    end
    return units:settle("consent observed as declared")
  end,
}
