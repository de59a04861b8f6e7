-- Test group 5.7-1: the device verifies its software with secure boot.
group "5.7-1"

local ITEM = "20-SecBoot"

-- No 20-SecBoot entry while the ICS claims 5.7-1 FAILs both test cases:
-- NO_BOOT and why it matters to each.
local NO_BOOT = "20-SecBoot declares no secure boot mechanism although the ICS claims "
    .. "provision 5.7-1: "

-- "a, b" of the 20-SecBoot facts the rules below use, for reasons.
local function boot_facts(e)
  return lib.facts_text(e, { "verification", "root-of-trust", "on-failure" })
end

-- Units (TS 103 701): a) the "Security Guarantees" of each secure boot
-- mechanism cover at least integrity and authenticity of the software;
-- b) its "Description" and "Detection Mechanisms" are fit to deliver them.
--
-- 20-SecBoot empty -> FAIL (the test case only runs when the ICS claims
-- 5.7-1; a claim with no mechanism is an incomplete IXIT).
-- a) verification absent -> IXIT_MISSING; none -> FAIL; hash with
--    root-of-trust none -> FAIL (whoever can rewrite the image can rewrite
--    the hash it is compared with: integrity against accidents only, no
--    authenticity); hash anchored in hardware or software -> REVIEW_PENDING
--    (a reference value in immutable storage can attest origin: the
--    assessor judges); signature or mac -> PASS by facts (the check
--    establishes who produced the software and that it is unchanged),
--    through lib.fact_pass, so "Security Guarantees" or "Description" that
--    negate or hedge withhold it.  Looser than the text in one way: the
--    PASS rests on the declared kind of check, not on reading the
--    "Security Guarantees" prose, which only ever withholds it.
-- b) the reaction and the anchor, from facts: verification none FAILs;
--    on-failure=continue FAILs (detected, started anyway: nothing is
--    protected); root-of-trust=none FAILs (the first check runs from code
--    nothing verifies, so replacing it bypasses the chain; stricter than
--    the text, which leaves this to the assessor); either absent ->
--    IXIT_MISSING.  An empty or placeholder "Description" or "Detection
--    Mechanisms" FAILs.  Otherwise REVIEW_PENDING: suitability is a
--    person's call (policy rule 6), on-failure=alert flagged in the
--    question (the modified software still runs).
testcase {
  id = "5.7-1-1",
  type = "conceptual",
  ixit = { "20-SecBoot" },
  purpose = "Each secure boot mechanism verifies integrity and authenticity of the software with a suitable detection mechanism.",
  units = {
    a = {
      criterion = "Every secure boot mechanism guarantees at least that the device software is intact and comes from its legitimate source.",
      rule = "verification=signature or mac PASSes by facts; none, or hash with no root of trust, FAILs; a hash anchored in storage is the assessor's call.",
      decided = "facts+assessor",
    },
    b = {
      criterion = "For every secure boot mechanism, the described mechanism and its detection mechanisms are fit to provide the guarantees claimed for it.",
      rule = "verification=none, on-failure=continue, root-of-trust=none or an empty Description or Detection Mechanisms FAIL; suitability is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then return units:stop("FAIL", NO_BOOT .. "the IXIT is incomplete") end
    for _, e in ipairs(entries) do
      local ver = lib.require_fact(units, "a", ITEM, e, "verification")
      local rot = lib.fact(e, "root-of-trust")
      local onf = lib.fact(e, "on-failure")
      local facts = e.id .. ": " .. boot_facts(e)
      -- a) the guarantees.
      if ver == "none" then
        units:add("a", "FAIL", facts .. ": the software is not verified at boot")
      elseif ver == "hash" and rot == "none" then
        units:add("a", "FAIL", facts .. ": a hash with nothing anchoring the reference "
            .. "value gives no authenticity (whoever rewrites the image rewrites its hash)")
      elseif ver == "hash" and rot == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "root-of-trust"))
      elseif ver == "hash" then
        lib.review(units, "a", facts .. ": a hash check gives integrity; judge whether the "
            .. "reference value held in the " .. rot .. " root of trust also establishes "
            .. "authenticity (\"Security Guarantees\" " .. lib.quote(lib.field(e,
            "Security Guarantees") or "(absent)", 200) .. ")")
      elseif ver == "signature" or ver == "mac" then
        lib.fact_pass(units, "a", e, { "Security Guarantees", "Description" }, facts
            .. " (rule: a " .. ver .. " check at boot verifies integrity and authenticity)")
      end
      -- b) the mechanism and its detection.
      if ver == "none" then
        units:add("b", "FAIL", facts .. ": there is no detection mechanism to judge")
      elseif ver ~= nil then
        local fit = true
        if onf == nil then
          units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, "on-failure"))
          fit = false
        elseif onf == "continue" then
          units:add("b", "FAIL", facts .. ": a failed check still starts the modified "
              .. "software: the detection protects nothing")
          fit = false
        end
        if rot == nil then
          units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, "root-of-trust"))
          fit = false
        elseif rot == "none" then
          units:add("b", "FAIL", facts .. ": nothing anchors the first check, so replacing "
              .. "the first stage bypasses the chain")
          fit = false
        end
        if not lib.require_text(units, "b", ITEM, e, { "Description", "Detection Mechanisms" },
            ": nothing says how the software is checked") then
          fit = false
        end
        if fit then
          lib.review(units, "b", lib.quote_fields(e, { "Description", "Detection Mechanisms",
              "Security Guarantees" }, 200) .. " (" .. boot_facts(e) .. "): judge whether the "
              .. "mechanism and its detection deliver the claimed guarantees"
              .. (onf == "alert" and " (on-failure=alert: the modified software still starts "
              .. "after the alert)" or ""))
        end
      else
        units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, "verification"))
      end
    end
    return units:settle(#entries .. " secure boot mechanism(s) verify integrity and "
        .. "authenticity")
  end,
}

-- Unit a (TS 103 701): the software verification works as 20-SecBoot
-- declares, e.g. a manipulated image (a flipped bit) is refused or
-- detected.
--
-- Booting a modified image means writing the device's flash or boot
-- medium: a person with the device in hand does it (reach physical), and
-- records what the device did.  Assay states per mechanism what the facts
-- lead one to expect (on-failure refuse: the image is not started;
-- recovery: the recovery image starts; alert: it starts and the alert
-- appears).  Facts FAIL nothing here (the conceptual case judges them):
-- 20-SecBoot empty -> FAIL (the ICS claims 5.7-1; nothing to compare the
-- device with); verification absent -> IXIT_MISSING.  A PASS only ever
-- comes from the recorded observation.  Looser than the text: Assay does
-- not itself judge the lab's access to the firmware (clause D.2 basic
-- resources); the person records when the image cannot be modified.
testcase {
  id = "5.7-1-2",
  type = "functional",
  ixit = { "20-SecBoot" },
  purpose = "A deliberately modified software image is refused or detected at boot, as 20-SecBoot declares.",
  units = {
    a = {
      criterion = "The device's verification of its software at boot behaves as the IXIT describes it when it is given manipulated software.",
      observation = "modified-boot",
      observe = "Write an image with one byte of its payload flipped (and, for signature checks, one unsigned) to the device, power it on and record whether it refuses, recovers or alerts as declared.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      return units:stop("FAIL", NO_BOOT .. "there is nothing to compare the device with")
    end
    local expect = {}
    for _, e in ipairs(entries) do
      local ver = lib.require_fact(units, "a", ITEM, e, "verification")
      if ver ~= nil then
        local onf = lib.fact(e, "on-failure")
        local what = ({ refuse = "does not start the image", recovery = "starts the "
            .. "recovery image instead", alert = "starts it and raises the declared alert",
            continue = "starts it (declared)" })[onf or ""] or "reacts as its Detection "
            .. "Mechanisms describe"
        expect[#expect + 1] = e.id .. " (" .. boot_facts(e) .. "): expect the device "
            .. what
      end
    end
    if #expect > 0 then lib.manual_note(units, "a", table.concat(expect, "; ")) end
    return units:settle("")
  end,
}
