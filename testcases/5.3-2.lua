-- Test group 5.3-2: at least one update mechanism installs software
-- updates securely.
group "5.3-2"

-- 5.3-2-1 a (TS 103 701): the design of each update mechanism, read from
-- its Security Guarantees, Description, Cryptographic Details and
-- Initiation and Interaction, keeps an attacker from misusing it; PASS
-- when one mechanism does (lib.update_design_review): FAIL when every
-- mechanism fails on facts (authenticity=none, integrity=none,
-- integrity=hash without authenticity, no Description or Security
-- Guarantees); IXIT_MISSING when no mechanism is left without a finding
-- but facts are missing; otherwise REVIEW_PENDING over the mechanisms
-- without a finding.  No 7-UpdMech entry FAILs: the provision applies
-- (condition 5), so the device must have one.  Looser than a full design
-- review only in that the facts cannot see a rollback protection: that is
-- named in the question to the assessor.
testcase {
  id = "5.3-2-1",
  type = "conceptual",
  ixit = { "7-UpdMech" },
  purpose = "At least one update mechanism's design keeps an attacker from misusing update installation.",
  units = {
    a = {
      criterion = "At least one declared update mechanism is designed so that an attacker cannot misuse it, judged from its guarantees, description, cryptography and initiation.",
      rule = "No mechanism, or every one with authenticity=none, integrity=none, hash without authenticity or no design, FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      units:add("a", "FAIL", "7-UpdMech is empty: no update mechanism is declared although "
          .. "the provision applies")
    else
      lib.update_design_review(units, "a", mechs, false)
    end
    return units:settle("update mechanism design judged")
  end,
}

-- 5.3-2-2: the lab misuses each update mechanism of 7-UpdMech from the
-- gateway (assay.net.update_serve standing in for the update endpoint the
-- set-up's <update> names, with the identity the device trusts when the
-- manufacturer gave one: the position of an attacker who already beat the
-- channel's TLS, so what is tested is the device's own check of the
-- image).  Rules (lib.update_misuse):
--   a) PASS when every attack the facts call for was served: one payload
--      byte flipped and an older genuine release (rollback, NOTE 1) always;
--      the release without its signature and one signed with another key
--      when authenticity=signature.  A release the set-up lacks ->
--      INCONCLUSIVE naming it.
--   b) a tampered release installed (the version check after it shows the
--      served image) -> FAIL naming it; every one refused and the genuine
--      release installed -> PASS; the genuine release not installed ->
--      INCONCLUSIVE (the device installs nothing, so refusals show
--      nothing); a variant the probe could not decide -> INCONCLUSIVE.
--   A mechanism without an <update> in the set-up, without a lab gateway,
--   or with network=false -> MANUAL_STEP_PENDING (a person performs the
--   same attacks by hand).  No 7-UpdMech entry -> IXIT_MISSING.
-- Looser than the text: unit a's attacks come from the facts and the
-- lab's releases, not from reading the Description (interrupting and
-- resuming an update, NOTE 1's first example, is not attempted); the
-- forged-certificate MITM of EXAMPLE 1 is 5.5-1-2's interception of the
-- update channel.  Stricter: a PASS needs the genuine release installed.
-- The device's state changes: a run installs the genuine release, once
-- (update_serve serves once per run; 5.3-1-2 reuses the result), and a
-- second run on the same device finds it installed and stays INCONCLUSIVE.
testcase {
  id = "5.3-2-2",
  type = "functional",
  ixit = { "7-UpdMech" },
  purpose = "Tampered, unsigned, foreign-key and older update images served in place of the update server are refused, a genuine one installed.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "For each update mechanism, attacks that would misuse it are worked out from how it is described to work.",
      rule = "PASS iff each attack its facts call for (flipped byte, rollback; unsigned and other key with signatures) was served; missing lab material INCONCLUSIVE.",
      observation = "update-attacks",
      observe = "from the mechanism's Description, list the attacks to try (a byte flipped, no signature, another key, an older release, an interrupted update) and obtain an image for each",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "Each update mechanism is attacked as worked out, and its design is seen to stop the misuse its security guarantees rule out.",
      rule = "A tampered, unsigned, foreign-key or older image installed FAILs; PASS iff all are refused and the genuine release is installed; otherwise INCONCLUSIVE.",
      observation = "update-misuse",
      observe = "offer the device each attack image in place of its update server (or by its local update path) and read its firmware version and image digest before and after each",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("update_serve"))
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:7-UpdMech/-/-: no update mechanism "
          .. "declared to attack (5.3-2-1 judges the absence)", lib.FACTS)
    end
    lib.update_misuse(units, "a", "b", mechs)
    return units:settle(#mechs .. " update mechanism(s) resisted the misuse attempts")
  end,
}
