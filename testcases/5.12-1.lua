-- Test group 5.12-1: installation and maintenance ask the user few
-- decisions, and each decision defaults to the secure option.
group "5.12-1"

local ITEM = "26-UserDec"
local DESC, OPTS, TRIG = "Description", "Options", "Triggered By"

-- "id (Triggered By ...)" for each decision, for the observer.
local function decisions_note(list)
  local out = {}
  for _, e in ipairs(list) do
    local t = lib.field(e, TRIG)
    out[#out + 1] = e.id .. (t and (" triggered by " .. lib.quote(t, 60)) or "")
  end
  return "declared decisions: " .. lib.join(out)
end

-- 5.12-1-1 (TS 103 701): for each decision of 26-UserDec, a) is it needed
-- in the operational environment, b) does its default (per "Options")
-- follow security best practice.
--
-- a: whether a decision is needed is a person's call: Description or
-- Options absent or a placeholder FAILs (a decision nobody can judge),
-- otherwise REVIEW_PENDING quoting both.
-- b: default-secure=false (the manufacturer itself says the default is
-- not the secure option) FAILs; Options absent or a placeholder FAILs
-- (no default declared); otherwise REVIEW_PENDING quoting Options and
-- the fact.  Stricter than the unit text: the manufacturer's own
-- default-secure=false decides without the assessor.  Looser on the PASS
-- side than a facts rule could be: default-secure=true is a claim, so the
-- assessor still judges it (best practice is adequacy, policy rule 6).
-- An empty 26-UserDec is a vacuous PASS (the ICS implies no decision;
-- 5.12-1-2 d has a person confirm the flows ask none).
testcase {
  id = "5.12-1-1",
  type = "conceptual",
  ixit = { ITEM },
  purpose = "Each declared installation or maintenance decision is needed and defaults to the secure option.",
  units = {
    a = {
      criterion = "Every decision the user must take during installation or maintenance is needed for use in the operational environment.",
      rule = "Empty item: vacuous PASS; Description or Options absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "The default of every such decision, as its options declare, is the option security best practice recommends.",
      rule = "default-secure=false FAILs; Options absent or a placeholder FAILs; otherwise a person's call on the declared default.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = lib.entries(ITEM)
    if #list == 0 then
      units:rest("PASS", "vacuous: 26-UserDec declares no user decision")
      return units:settle("vacuous: 26-UserDec declares no user decision")
    end
    for _, e in ipairs(list) do
      if lib.require_text(units, "a", ITEM, e, { DESC, OPTS },
          ": a decision that cannot be judged") then
        lib.review(units, "a", e.id .. ": judge whether the user needs to take this "
            .. "decision in the operational environment (else a default should be used): "
            .. lib.quote_fields(e, { DESC, OPTS, TRIG }, 160))
      end
      local sec = lib.fact(e, "default-secure")
      if sec == false then
        units:add("b", "FAIL", e.id .. ": default-secure=false: the declared default is "
            .. "not the secure option (" .. lib.quote_fields(e, { OPTS }, 120) .. ")")
      elseif lib.require_text(units, "b", ITEM, e, { OPTS }, ": no default declared") then
        lib.review(units, "b", e.id .. ": judge whether the default in Options follows "
            .. "security best practice (EN 303 645 as guidance; default-secure="
            .. lib.show(sec) .. "): " .. lib.quote_fields(e, { DESC, OPTS }, 160))
      end
    end
    return units:settle("every decision needed, every default secure")
  end,
}

-- 5.12-1-2 (TS 103 701): a) trigger every decision of 26-UserDec as
-- "Triggered By" says; for each, b) it is asked prominently during the
-- flows, c) it and its options are understandable to a user with little
-- technical knowledge; d) the decisions the device asks are those
-- declared, with their Description and Options.
--
-- All four are a person's observation of the installation and maintenance
-- flows (the app or web UI a person walks through): MANUAL_STEP_PENDING
-- naming the declared decisions and their triggers.  Facts FAIL first: a
-- decision without "Triggered By" cannot be triggered (a), one without
-- Description or Options cannot be compared (d); default-secure=false is
-- 5.12-1-1's.  With 26-UserDec empty, a to c are vacuous PASSes and d
-- still asks the person to confirm no decision is asked.  Not automated:
-- no structured description of a flow exists that a probe could walk.
testcase {
  id = "5.12-1-2",
  type = "functional",
  ixit = { ITEM },
  purpose = "Each declared user decision is asked prominently and understandably during installation and maintenance, as declared.",
  units = {
    a = {
      criterion = "Every declared user decision is brought up by doing what its trigger declaration says.",
      rule = "Triggered By absent or a placeholder FAILs; otherwise the observation.",
      observation = "trigger-user-decisions",
      observe = "Walk through installation and maintenance, trigger each decision of 26-UserDec as Triggered By says and record that it came up.",
      decided = "observation",
      reach = "physical",
    },
    b = {
      criterion = "Every declared user decision is put to the user prominently, not hidden, in the installation and maintenance flows.",
      observation = "decision-prominence",
      observe = "For each decision brought up, record whether the flow puts it prominently before the user (not buried in menus or defaults pages).",
      decided = "observation",
      reach = "physical",
    },
    c = {
      criterion = "Every declared user decision and its choices can be understood by a user with little technical knowledge.",
      observation = "decision-understandable",
      observe = "For each decision brought up, judge whether the question and its choices are understandable without technical knowledge (TS 103 701 D.3).",
      decided = "observation",
      reach = "physical",
    },
    d = {
      criterion = "The decisions the device actually asks during installation and maintenance match their declared description and options.",
      rule = "Description or Options absent or a placeholder FAILs; otherwise the observation.",
      observation = "decision-as-declared",
      observe = "Compare each decision asked (wording, choices, preselected default) with its Description and Options in 26-UserDec; note any decision asked that is not declared.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = lib.entries(ITEM)
    if #list == 0 then
      for _, l in ipairs({ "a", "b", "c" }) do
        units:add(l, "PASS", "vacuous: 26-UserDec declares no user decision")
      end
      -- d is not over the declared set only: the flows must ask none.
      return lib.manual(units, { "d" }, "26-UserDec declares none: confirm the flows ask no "
          .. "security-relevant decision")
    end
    for _, e in ipairs(list) do
      lib.require_text(units, "a", ITEM, e, { TRIG }, ": a decision with no declared trigger")
      lib.require_text(units, "d", ITEM, e, { DESC, OPTS }, ": nothing to compare the asked decision with")
    end
    return lib.manual(units, { "a", "b", "c", "d" }, decisions_note(list))
  end,
}
