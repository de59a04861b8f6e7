-- Test group 6-3A (EN 303 645 V3.1.3): where processing relies on
-- consent, the device provides a way to withdraw it at any time.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 6-3 into 6-3A (withdrawing consent) and 6-3B
-- (keeping a record of the consent given), and TS 103 701 V1.1.1 covers
-- V2.1.1 only.  Assay wrote these test cases from the V3.1.3 provision
-- summary (spec/en303645_v3.1.3_provisions.csv); 6-3A asks what V2.1.1's
-- 6-3 asked, so its units are TS 103 701's 6-3-1 and 6-3-2 in Assay's own
-- words, decided by the same rules as testcases/6-3.lua, by the same
-- functions (lib.consent_withdrawal_review and _check).  V3.1.3's feature "y"
-- (processing relies on consent) is read as V2.1.1's condition 7.  The
-- report marks them Assay-defined.
group "6-3A"

-- 6-3A-1 a (as 6-3-1 a): for each 21-PersData entry with basis=consent
-- (lib.consent_entries): withdrawal=none FAILs; withdrawal absent is
-- IXIT_MISSING; a "Withdrawing Consent" absent or a placeholder without a
-- withdraw-path FAILs (nothing tells the consumer how); otherwise a person
-- judges from the quoted text whether it says how to withdraw at any time
-- through device or service settings.  Stricter than the text: the
-- `withdrawal` fact is required.  No consent-based processing (every entry
-- with another basis, condition 7 false): PASS, vacuous, from the facts;
-- condition 7 with none FAILs.
testcase {
  id = "6-3A-1",
  type = "conceptual",
  ixit = { "21-PersData" },
  purpose = "Where processing relies on consent, the consumer is told a way to withdraw it that works at any time.",
  units = {
    a = {
      criterion = "Wherever personal data is processed because the consumer consented, the device or its service offers a documented way to take that consent back, usable at any time.",
      rule = "withdrawal=none, or no Withdrawing Consent and no withdraw-path, FAILs; withdrawal absent IXIT_MISSING; otherwise a person's call on the quoted text.",
      decided = "assessor",
    },
  },
  run = function(a) return lib.consent_withdrawal_review(a) end,
}

-- 6-3A-2 (as 6-3-2) a, per consent-based 21-PersData entry (lib.consent_list):
--   withdrawal=none                                   FAIL
--   withdraw-service declared (the machine form,      Assay withdraws itself:
--   lib.consent_withdraw_iface; docs/facts.md)
--     watch processing-channel at the lab gateway for the window
--     (withdraw-window-s, default 3 client cycles or 10 s): no PUBLISH (to processing-topic)
--     and a grant-body: the lab gives consent first as the owner would
--     at set-up, then watches again; still none  INCONCLUSIVE (nothing to stop)
--     withdrawal request not answered 2xx             FAIL (the declared way does not work)
--     after 2 s, watch the window again: any PUBLISH  FAIL, with the count
--                                                     and the frames in clear
--     none                                            PASS (checked: withdrawn, stopped)
--     Afterwards the state found is restored: consent that was on is given
--     again with grant-body (no grant-body: said, not restored); consent
--     the lab gave itself is left withdrawn.
--   no lab gateway, or no machine form                a person withdraws and
--     watches (observation withdraw-consent); a withdraw-path answering
--     404/410 without credentials FAILs first.
-- The unit asks whether withdrawing works as "Withdrawing Consent"
-- describes.  Looser than that text: Assay withdraws through the declared
-- request (the API behind the settings), not by a consumer's taps in the
-- app or UI; whether the text describes that setting is 6-3A-1's review.
-- And "works" is measured as the consented processing no longer reaching
-- the lab's stand-in within the window; processing inside the device or
-- in the cloud is not seen (the IXIT names the channel and topic that
-- carry it).  Stricter: the processing must be seen to stop, not only the
-- setting accepted; a withdrawal not answered 2xx FAILs; a device that is
-- never seen processing cannot PASS.  Vacuous and incomplete-IXIT rules
-- as 6-3A-1.
testcase {
  id = "6-3A-2",
  type = "functional",
  ixit = { "21-PersData", "11-ComMech" },
  purpose = "Withdrawing consent the declared way works, and the processing that relied on it stops.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Wherever processing relies on consent, taking the consent back the declared way succeeds and the processing it covered no longer happens.",
      rule = "Machine form declared: the processing seen at the gateway, withdrawn with the lab credential, then not seen for the window PASSes; still seen or the withdrawal refused FAILs; never seen INCONCLUSIVE. Otherwise a person's observation; withdrawal=none FAILs.",
      observation = "withdraw-consent",
      observe = "Withdraw consent as described (device or app settings), then record whether the processing stops, e.g. the related traffic or telemetry ceases.",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a) return lib.consent_withdrawal_check(a, "6-3A-2") end,
}
