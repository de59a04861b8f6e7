-- Test group 6-3: consumers who consented can withdraw consent at any time.
group "6-3"

local WITHDRAW = "Withdrawing Consent"

-- 6-3-1 a: for each 21-PersData entry with basis=consent
-- (lib.consent_entries): withdrawal=none FAILs; withdrawal absent is
-- IXIT_MISSING; a "Withdrawing Consent" absent or a placeholder without a
-- withdraw-path FAILs (nothing tells the consumer how); otherwise a person
-- judges from the quoted text whether it says how to withdraw at any time
-- through device or service settings.  Stricter than the text: the
-- `withdrawal` fact is required.  No consent-based processing (every entry
-- with another basis, condition 7 false): PASS, vacuous, from the facts;
-- condition 7 with none FAILs.
testcase {
  id = "6-3-1",
  type = "conceptual",
  ixit = { "21-PersData" },
  purpose = "For consent-based processing, consumers are told how to withdraw consent at any time in device or service settings.",
  units = {
    a = {
      criterion = "For each kind of personal data processed on consent, the IXIT explains how the consumer withdraws that consent at any time by changing device or service settings.",
      rule = "withdrawal=none, or no Withdrawing Consent and no withdraw-path, FAILs; withdrawal absent IXIT_MISSING; otherwise a person's call on the quoted text.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, vacuous = lib.consent_entries(units, "a")
    if #list == 0 then
      if vacuous then units:add("a", "PASS", vacuous) end
      return units:settle(vacuous or "")
    end
    for _, p in ipairs(list) do
      local how, path, text = lib.fact(p, "withdrawal"), lib.fact(p, "withdraw-path"),
          lib.field(p, WITHDRAW)
      if how == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("21-PersData", p, "withdrawal"))
      elseif how == "none" then
        units:add("a", "FAIL", p.id .. ": withdrawal=none: consent cannot be withdrawn")
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

-- 6-3-2 a: for each consent-based 21-PersData entry, a person withdraws
-- consent as described and watches the processing stop (the observation
-- `withdraw-consent`).  With a withdraw-path, Assay first asks the
-- device's web service for it without credentials: 404 or 410 FAILs (the
-- declared setting is not there); any other answer (a login wall
-- included: settings are behind the owner's login) only says it exists.
-- The withdrawal itself is not automated: it changes the owner's settings
-- and its effect (processing stops) is seen in the service, not only on
-- the wire.  Vacuous and incomplete-IXIT rules as 6-3-1.
testcase {
  id = "6-3-2",
  type = "functional",
  ixit = { "21-PersData" },
  purpose = "Withdrawing consent as described works and the processing stops.",
  units = {
    a = {
      criterion = "For each kind of personal data processed on consent, consent can be withdrawn the way the IXIT describes and the processing then stops.",
      rule = "A declared withdraw-path answering 404/410 FAILs; otherwise a person's observation per consent-based entry; withdrawal=none FAILs.",
      observation = "withdraw-consent",
      observe = "Withdraw consent as described (device or app settings), then record whether the processing stops, e.g. the related traffic or telemetry ceases.",
      decided = "observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, vacuous = lib.consent_entries(units, "a")
    if #list == 0 then
      if vacuous then units:add("a", "PASS", vacuous) end
      return units:settle(vacuous or "")
    end
    local http = lib.probe("http_request")
    for _, p in ipairs(list) do
      local how, path = lib.fact(p, "withdrawal"), lib.fact(p, "withdraw-path")
      local url = path and lib.url(path)
      if how == "none" then
        units:add("a", "FAIL", p.id .. ": withdrawal=none: consent cannot be withdrawn")
      elseif url and http then
        local r, err = http({ url = url, max_read = 64 * 1024 })
        local pr = lib.probed("http_request", url)
        if r and (r.status == 404 or r.status == 410) then
          units:add("a", "FAIL", p.id .. ": the declared withdraw-path " .. url .. " answered "
              .. "HTTP " .. r.status .. ": the setting is not where the IXIT says", pr)
        else
          lib.manual_note(units, "a", p.id .. ": " .. url .. (r and (" answers HTTP "
              .. r.status) or (" did not answer: " .. lib.clip(err, 80))) .. "; \""
              .. WITHDRAW .. "\" " .. lib.quote(lib.field(p, WITHDRAW) or "absent", 160))
        end
      else
        lib.manual_note(units, "a", p.id .. ": " .. lib.facts_text(p, { "withdrawal" })
            .. ", \"" .. WITHDRAW .. "\" " .. lib.quote(lib.field(p, WITHDRAW) or "absent", 200))
      end
    end
    return units:settle("consent withdrawn as described")
  end,
}
