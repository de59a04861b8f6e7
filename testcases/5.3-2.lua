-- Test group 5.3-2: at least one update mechanism installs software
-- updates securely.  Only the functional test case is here (5.3-2-1, the
-- design review, is issue 14).
group "5.3-2"

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
    },
    b = {
      criterion = "Each update mechanism is attacked as worked out, and its design is seen to stop the misuse its security guarantees rule out.",
      rule = "A tampered, unsigned, foreign-key or older image installed FAILs; PASS iff all are refused and the genuine release is installed; otherwise INCONCLUSIVE.",
      observation = "update-misuse",
      observe = "offer the device each attack image in place of its update server (or by its local update path) and read its firmware version and image digest before and after each",
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
