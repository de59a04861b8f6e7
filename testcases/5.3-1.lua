-- Test group 5.3-1: software components are updatable securely.
group "5.3-1"

local JUST = "justification when no update mechanism exists"

-- 5.3-1-1 (TS 103 701): a) every 6-SoftComp component without an update
-- mechanism has a justification (impracticable, or kept immutable for
-- security) that holds; b) 5.3-2-1's unit applied to every mechanism a
-- component refers to.
--
-- a: a component is without a mechanism when it refers to no 7-UpdMech
-- entry and its "Update Mechanism" is empty or a placeholder; one whose
-- text names a mechanism but refers to none is IXIT_MISSING (the ref).
-- Its justification absent or a placeholder FAILs; otherwise whether it
-- holds is a person's call (REVIEW_PENDING quoting it).  Every component
-- referring to a mechanism: PASS, vacuous (the ICS allows it).
-- b: lib.update_design_review for every referenced mechanism, each one
-- (stricter than 5.3-2-1's "at least one": TS 103 701 asks that no
-- mechanism can be misused): facts FAIL (authenticity=none, integrity=none,
-- integrity=hash without authenticity, no design described), missing facts
-- IXIT_MISSING, otherwise REVIEW_PENDING quoting the design.  No mechanism
-- referenced: vacuous only where condition 3 (software cannot be updated)
-- holds, else FAIL.  6-SoftComp empty: FAIL on both (a device has
-- software; stricter than the text, which has nothing to assess).
testcase {
  id = "5.3-1-1",
  type = "conceptual",
  ixit = { "6-SoftComp", "7-UpdMech" },
  purpose = "Components without updates are justified, and the update mechanisms components refer to resist misuse by design.",
  units = {
    a = {
      criterion = "Each software component without an update mechanism is justified: updating it is impracticable or it is kept unchangeable for security.",
      rule = "A component without a mechanism and without a justification FAILs; a justification is a person's call; none without a mechanism: vacuous PASS.",
      decided = "assessor",
    },
    b = {
      criterion = "Every update mechanism that a software component names is, by its design, protected against misuse as 5.3-2-1 assesses it.",
      rule = "Per referenced mechanism: authenticity=none, integrity=none, hash without authenticity or no design FAIL; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local comps = lib.entries("6-SoftComp")
    if #comps == 0 then
      return units:stop("FAIL", "6-SoftComp is empty: the IXIT lists no software component")
    end
    local mechs, seen, fixed = {}, {}, {}
    for _, c in ipairs(comps) do
      local ms = lib.comp_mechs(c)
      local text = lib.field(c, "Update Mechanism")
      if #ms > 0 then
        fixed[#fixed + 1] = c.id
        for _, m in ipairs(ms) do
          if not seen[m.id] then
            seen[m.id] = true
            mechs[#mechs + 1] = m
          end
        end
      elseif not lib.is_placeholder(text) then
        units:add("a", "INCONCLUSIVE", lib.missing("6-SoftComp", c, "ref 7-UpdMech")
            .. ": \"Update Mechanism\" " .. lib.quote(text, 80) .. " names no 7-UpdMech entry")
      elseif lib.require_text(units, "a", "6-SoftComp", c, { JUST },
          ": a component without an update mechanism and without a justification") then
        lib.review(units, "a", "judge whether updating " .. c.id .. " is impracticable or "
            .. "excluded for security, as its justification says: "
            .. lib.quote(lib.field(c, JUST), 240))
      end
    end
    if not units:has("a") then
      units:add("a", "PASS", "vacuous: every component refers to an update mechanism ("
          .. lib.join(fixed) .. ")")
    end
    if #mechs == 0 then
      if assay.ics.conditions[3] == true then
        units:add("b", "PASS", "vacuous: no component refers to an update mechanism and "
            .. "condition 3 (software cannot be updated) holds")
      else
        units:add("b", "FAIL", "no component refers to an update mechanism although "
            .. "condition 3 (software cannot be updated) does not hold")
      end
    else
      lib.update_design_review(units, "b", mechs, true)
    end
    return units:settle("justifications and update mechanisms judged")
  end,
}

-- 5.3-1-2 a: 5.3-2-2's units applied to every 7-UpdMech entry a software
-- component of 6-SoftComp refers to (<ref item="7-UpdMech" .../>), both
-- recorded on unit a (lib.update_misuse: a tampered, unsigned, foreign-key
-- or older image installed FAILs; PASS iff all are refused, the genuine
-- release is installed and every attack the facts call for was served;
-- no <update> or no gateway -> MANUAL_STEP_PENDING).  6-SoftComp empty,
-- or no component referring to a mechanism -> IXIT_MISSING (an updatable
-- device that names no mechanism for any component is incomplete; a
-- component without one is 5.3-1-1's question).
testcase {
  id = "5.3-1-2",
  type = "functional",
  ixit = { "6-SoftComp", "7-UpdMech" },
  purpose = "The update-misuse tests of 5.3-2-2 hold for every update mechanism a software component refers to.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Every update mechanism that a listed software component names withstands the functional misuse attempts of 5.3-2-2.",
      rule = "5.3-2-2's rules per referenced mechanism: an attack image installed FAILs; PASS iff all refused, the genuine one installed and every devised attack served.",
      observation = "update-misuse",
      observe = "offer the device each attack image (byte flipped, no signature, another key, older) for the mechanism and read its firmware version and image digest before and after each",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("update_serve"))
    local comps = lib.entries("6-SoftComp")
    if #comps == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:6-SoftComp/-/-: no software component "
          .. "declared", lib.FACTS)
    end
    local by, mechs, seen = {}, {}, {}
    for _, m in ipairs(lib.entries("7-UpdMech")) do by[m.id] = m end
    for _, c in ipairs(comps) do
      for _, ref in ipairs(c.refs or {}) do
        if ref.item == "7-UpdMech" and by[ref.entry] and not seen[ref.entry] then
          seen[ref.entry] = true
          mechs[#mechs + 1] = by[ref.entry]
        end
      end
    end
    if #mechs == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:6-SoftComp/-/ref to 7-UpdMech: no "
          .. "software component refers to an update mechanism", lib.FACTS)
    end
    lib.update_misuse(units, "a", "a", mechs)
    return units:settle(#mechs .. " update mechanism(s) of the software components resisted "
        .. "the misuse attempts")
  end,
}
