-- Test group 5.7-2: on an unauthorised software change the device alerts
-- the user or administrator and connects only where the alert needs.
group "5.7-2"

local ITEM = "20-SecBoot"

local function alert_facts(e)
  return lib.facts_text(e, { "alerts", "notify-network", "on-failure" })
end

-- Units (TS 103 701): a) the "User Notification", with what it says, is
-- enough to tell the user or administrator about the unauthorised change;
-- b) every "Notification Functionality" (network function kept after the
-- detection) is needed for that notification.
--
-- 20-SecBoot empty -> FAIL both (the test case only runs when the ICS
-- claims 5.7-2).
-- a) alerts absent -> IXIT_MISSING; alerts empty -> FAIL (nobody is
--    alerted); an empty or placeholder "User Notification" FAILs; otherwise
--    REVIEW_PENDING: whether the alert suffices is a person's call.
-- b) notify-network absent -> IXIT_MISSING; notify-network=false -> PASS by
--    facts (no network function is kept, so none is unnecessary; the
--    functional case 5.7-2-2 checks the device keeps to it);
--    notify-network=true with an empty or placeholder "Notification
--    Functionality" FAILs (network kept, but not which: nothing to judge as
--    necessary); otherwise REVIEW_PENDING quoting it beside the "User
--    Notification".
testcase {
  id = "5.7-2-1",
  type = "conceptual",
  ixit = { "20-SecBoot" },
  purpose = "The alert on an unauthorised software change reaches the user or administrator and only needed network functions remain.",
  units = {
    a = {
      criterion = "The way the user or administrator is notified, and what the notice says, is enough to make them aware of an unauthorised software change.",
      rule = "alerts empty or an empty User Notification FAILs; whether the notice suffices is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Each network function the device keeps after detecting an unauthorised change is one the described notification actually needs.",
      rule = "notify-network=false PASSes by facts; network kept with no Notification Functionality named FAILs; necessity is a person's call.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      return units:stop("FAIL", "20-SecBoot declares no mechanism although the ICS claims "
          .. "provision 5.7-2: the IXIT says nothing about alerting")
    end
    for _, e in ipairs(entries) do
      local facts = e.id .. ": " .. alert_facts(e)
      local al = lib.require_fact(units, "a", ITEM, e, "alerts")
      local un = lib.field(e, "User Notification")
      if al ~= nil then
        if #lib.fact_list(e, "alerts") == 0 then
          units:add("a", "FAIL", facts .. ": nobody is alerted of an unauthorised change")
        elseif lib.require_text(units, "a", ITEM, e, { "User Notification" },
            ": nothing says how the alert reaches them") then
          lib.review(units, "a", facts .. ": judge whether the notification " .. lib.quote(un,
              300) .. " tells the " .. lib.show(al):gsub("%+", " and ") .. " enough "
              .. "about an unauthorised software change")
        end
      end
      local nn = lib.require_fact(units, "b", ITEM, e, "notify-network")
      if nn == false then
        units:add("b", "PASS", facts .. " (rule: no network function is kept after a "
            .. "detection, so none is unnecessary)")
      elseif nn == true then
        local nf = lib.field(e, "Notification Functionality")
        if lib.require_text(units, "b", ITEM, e, { "Notification Functionality" },
            ": network functions are kept but not named") then
          lib.review(units, "b", facts .. ": judge whether each network function of "
              .. lib.quote(nf, 300) .. " is needed for the notification "
              .. lib.quote(un or "(no User Notification)", 160) .. " and nothing more")
        end
      end
    end
    return units:settle("alerting described and restricted to what it needs")
  end,
}

-- Units (TS 103 701): a) after an unauthorised software change is
-- detected, the alert happens as "User Notification" describes; b) the
-- device then talks to wider networks only as "Notification
-- Functionality" describes.
--
-- Both need the device in the state after a detection: a person installs
-- a modified image (as in 5.7-1-2) and then looks at the alert (a,
-- physical: the device, its app, its mail) and captures the device's
-- traffic (b: the subject is the network, but no probe can bring the
-- device into that state, so it is a declared observation, decided by the
-- person with the capture).  Facts FAIL nothing new here: 20-SecBoot empty
-- -> FAIL (the ICS claims 5.7-2); alerts or notify-network absent ->
-- IXIT_MISSING.  The observation notes say what to expect from the facts
-- (notify-network=false: no traffic at all).
testcase {
  id = "5.7-2-2",
  type = "functional",
  ixit = { "20-SecBoot" },
  purpose = "After an unauthorised software change the declared alert is seen and traffic is limited to the declared notification.",
  units = {
    a = {
      criterion = "After the device detects a change to its software that was not authorised, the alert reaches the user or administrator as the IXIT describes.",
      observation = "boot-alert",
      observe = "Install a modified image as in 5.7-1-2, let the device detect it and record whether, where and how the declared alert reaches the user or administrator.",
      decided = "observation",
      reach = "physical",
    },
    b = {
      criterion = "After such a detection the device reaches wider networks only through the notification functions the IXIT declares necessary.",
      observation = "post-detection-traffic",
      observe = "With the modified image detected, capture the device's traffic through the lab gateway for 10 minutes and record every destination beyond the declared Notification Functionality.",
      decided = "observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      return units:stop("FAIL", "20-SecBoot declares no mechanism although the ICS claims "
          .. "provision 5.7-2: there is nothing to compare the device with")
    end
    local na, nb = {}, {}
    for _, e in ipairs(entries) do
      local al = lib.require_fact(units, "a", ITEM, e, "alerts")
      local nn = lib.require_fact(units, "b", ITEM, e, "notify-network")
      if al ~= nil then
        na[#na + 1] = e.id .. ": alerts=" .. lib.show(al) .. ", User Notification "
            .. lib.quote(lib.field(e, "User Notification") or "(absent)", 120)
      end
      if nn == false then
        nb[#nb + 1] = e.id .. ": notify-network=false, expect no traffic to wider networks"
      elseif nn == true then
        nb[#nb + 1] = e.id .. ": expect only " .. lib.quote(lib.field(e,
            "Notification Functionality") or "(absent)", 120)
      end
    end
    if #na > 0 then lib.manual_note(units, "a", table.concat(na, "; ")) end
    if #nb > 0 then lib.manual_note(units, "b", table.concat(nb, "; ")) end
    return units:settle("")
  end,
}
