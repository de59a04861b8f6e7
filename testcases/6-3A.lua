-- Test group 6-3A (EN 303 645 V3.1.3): where processing relies on
-- consent, the device provides a way to withdraw it at any time.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 6-3 into 6-3A (withdrawing consent) and 6-3B
-- (keeping a record of the consent given), and TS 103 701 V1.1.1 covers
-- V2.1.1 only.  Assay wrote these test cases from the V3.1.3 provision
-- summary (spec/en303645_v3.1.3_provisions.csv); 6-3A asks what V2.1.1's
-- 6-3 asked, so its units are TS 103 701's 6-3-1 and 6-3-2 in Assay's own
-- words, decided by the same rules as testcases/6-3.lua (the helpers
-- below are that file's, kept in step with it).  V3.1.3's feature "y"
-- (processing relies on consent) is read as V2.1.1's condition 7.  The
-- report marks them Assay-defined.
group "6-3A"

local WITHDRAW = "Withdrawing Consent"

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
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, done = lib.consent_list(units, "a")
    if not list then return units:settle(done) end
    for _, p in ipairs(list) do
      local how, path, text = lib.fact(p, "withdrawal"), lib.fact(p, "withdraw-path"),
          lib.field(p, WITHDRAW)
      if how == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("21-PersData", p, "withdrawal"))
      elseif lib.consent_unwithdrawable(units, "a", p) then
        -- recorded
      elseif path == nil and (text == nil or lib.is_placeholder(text)) then
        units:add("a", "FAIL", p.id .. ": \"" .. WITHDRAW .. "\" " .. (text and
            lib.quote(text, 40) or "absent") .. " and no withdraw-path: how to withdraw is "
            .. "not described", text and lib.TEXT or lib.FACTS)
      else
        lib.review(units, "a", p.id .. ": withdrawal=" .. how .. (path and (", withdraw-path="
            .. path) or "") .. "; judge from \"" .. WITHDRAW .. "\" " .. lib.quote(text or
            "absent", 240) .. " whether it tells the consumer how to withdraw consent at any "
            .. "time through device or service settings")
      end
    end
    return units:settle(#list .. " consent-based kind(s) of personal data reviewed")
  end,
}

-- 6-3A-2 (as 6-3-2) without a machine form: the person's observation, after checking
-- that a declared withdraw-path is there at all.
local function person_withdraws(units, p, why)
  local path = lib.fact(p, "withdraw-path")
  local url = path and lib.url(path)
  local http = lib.probe("http_request")
  if url and http then
    local r, err = http({ url = url, max_read = 64 * 1024 })
    local pr = lib.probed("http_request", url)
    if r and (r.status == 404 or r.status == 410) then
      units:add("a", "FAIL", p.id .. ": the declared withdraw-path " .. url .. " answered "
          .. "HTTP " .. r.status .. ": the setting is not where the IXIT says", pr)
      return
    end
    lib.manual_note(units, "a", p.id .. ": " .. (why and (why .. "; ") or "") .. url .. (r and (" answers HTTP "
        .. r.status) or (" did not answer: " .. lib.clip(err, 80))) .. "; \""
        .. WITHDRAW .. "\" " .. lib.quote(lib.field(p, WITHDRAW) or "absent", 160))
    return
  end
  lib.manual_note(units, "a", p.id .. ": " .. (why and (why .. "; ") or "")
      .. lib.facts_text(p, { "withdrawal" })
      .. ", \"" .. WITHDRAW .. "\" " .. lib.quote(lib.field(p, WITHDRAW) or "absent", 200))
end

local function seen_text(i, w)
  return string.format("%d PUBLISH%s to %s on %s in %d s%s", w.n, w.n == 1 and "" or "es",
      i.topic or "any topic", i.channel, i.window, #w.frames > 0 and (" (in clear in frame"
      .. (#w.frames > 1 and "s " or " ") .. table.concat(w.frames, ", ", 1,
      math.min(#w.frames, 8)) .. ")") or "")
end

-- Restores the consent found on (6-3A-2); logs what it did.
local function regrant(i)
  if i.grant == nil then
    assay.log("6-3A-2: " .. i.p.id .. ": consent left withdrawn: no grant-body declared, "
        .. "so the device's state before the test cannot be restored by Assay")
    return
  end
  local r, err = lib.consent_request(i, true)
  assay.log("6-3A-2: " .. i.p.id .. ": consent given again (" .. i.method .. " " .. i.path
      .. "): " .. (r and ("HTTP " .. r.status) or lib.clip(err, 80)))
end

-- 6-3A-2 (as 6-3-2) with the machine form: watch, withdraw, watch.
-- Returns the PASS text, or nil.
local function withdraw_and_watch(units, i, how)
  local id, pass = i.p.id, nil
  local before, err = lib.consent_watch(i)
  if not before then
    units:add("a", "INCONCLUSIVE", id .. ": the processing could not be watched: " .. err)
    return
  end
  local granted = false
  if before.n == 0 and i.grant then
    local r, gerr = lib.consent_request(i, true)
    if not r or r.status < 200 or r.status > 299 then
      units:add("a", "INCONCLUSIVE", id .. ": nothing seen on " .. i.channel .. " and giving "
          .. "consent (" .. i.method .. " " .. i.path .. ") was answered "
          .. (r and ("HTTP " .. r.status) or lib.clip(gerr, 80)), lib.probed("http_request",
          i.path))
      return
    end
    granted = true
    before, err = lib.consent_watch(i)
    if not before then
      units:add("a", "INCONCLUSIVE", id .. ": the processing could not be watched: " .. err)
      return
    end
  end
  if before.n == 0 then
    units:add("a", "INCONCLUSIVE", id .. ": no PUBLISH to " .. (i.topic or "any topic")
        .. " on " .. i.channel .. " in " .. i.window .. " s" .. (granted and " after giving "
        .. "consent" or "") .. ": the consented processing is not seen, so there is "
        .. "nothing whose stop could be checked", how)
    return
  end
  local r, werr = lib.consent_request(i, false)
  local pr = lib.probed("http_request", i.method .. " " .. i.path .. " with the lab credential")
  if not r or r.status < 200 or r.status > 299 then
    units:add("a", "FAIL", id .. ": the declared withdrawal " .. i.method .. " " .. i.path
        .. " was answered " .. (r and ("HTTP " .. r.status) or ("not at all: "
        .. lib.clip(werr, 80))) .. ": consent cannot be withdrawn the way the IXIT says", pr)
    return
  end
  -- A message already on its way when the answer came is not a failure.
  assay.sleep(2000)
  local after, aerr = lib.consent_watch(i)
  if not after then
    units:add("a", "INCONCLUSIVE", id .. ": withdrawn (HTTP " .. r.status .. ") but the "
        .. "processing could not be watched afterwards: " .. aerr)
  elseif after.n > 0 then
    units:add("a", "FAIL", id .. ": consent withdrawn (" .. i.method .. " " .. i.path
        .. " answered HTTP " .. r.status .. "), yet the processing goes on: "
        .. seen_text(i, after) .. ", after " .. seen_text(i, before) .. " before", how)
  else
    pass = id .. ": " .. seen_text(i, before) .. " before" .. (granted and (" (after the lab "
        .. "gave consent: none was seen at first)") or "") .. "; consent withdrawn (" .. i.method
        .. " " .. i.path .. ", HTTP " .. r.status .. "); none in the " .. i.window
        .. " s after (rule: the processing the consent covers stops)"
    units:add("a", "PASS", pass, how)
  end
  if not granted then regrant(i) end
  return pass
end

-- 6-3A-2 (as 6-3-2) a, per consent-based 21-PersData entry (lib.consent_list):
--   withdrawal=none                                   FAIL
--   withdraw-service declared (the machine form,      Assay withdraws itself:
--   lib.consent_withdraw_iface; docs/facts.md)
--     watch processing-channel at the lab gateway for the window
--     (withdraw-window-s, default 10 s): no PUBLISH (to processing-topic)
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
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, done = lib.consent_list(units, "a")
    if not list then return units:settle(done) end
    local how = lib.probed("observe", "the consented processing at the gateway before and "
        .. "after the withdrawal")
    local checked = {}
    for _, p in ipairs(list) do
      local i, why = lib.consent_withdraw_iface(p)
      if lib.consent_unwithdrawable(units, "a", p) then
        -- recorded
      elseif i and lib.gateway() == nil then
        -- Nothing shows the processing without the gateway: a person's.
        person_withdraws(units, p, lib.NO_GATEWAY)
      elseif i then
        checked[#checked + 1] = withdraw_and_watch(units, i, how)
      elseif why then
        units:add("a", "INCONCLUSIVE", why)
      else
        person_withdraws(units, p)
      end
    end
    return units:settle(#checked > 0 and table.concat(checked, "; ")
        or "consent withdrawn and the processing watched")
  end,
}
