-- Test group 5.3-6: automatic updates and update notifications are on
-- after initialization and the user can enable, disable or postpone them.
group "5.3-6"

local CONF, NOTE, INIT = "Configuration", "User Notification", "Initiation and Interaction"

-- The mechanisms split by the automatic fact: automatic, not, unknown.
local function by_automatic(mechs)
  local auto, manual, unknown = {}, {}, {}
  for _, m in ipairs(mechs) do
    local v = lib.fact(m, "automatic")
    if v == true then auto[#auto + 1] = m
    elseif v == false then manual[#manual + 1] = m
    else unknown[#unknown + 1] = m end
  end
  return auto, manual, unknown
end

local function ids(list)
  local out = {}
  for _, m in ipairs(list) do out[#out + 1] = m.id end
  return out
end

-- 5.3-6-1 (TS 103 701): a) which mechanisms install updates without user
-- interaction; for those, b) the user can enable, disable or postpone
-- automatic installation and c) it is on in the initialized state; for
-- mechanisms with update notifications, d) the user can enable, disable or
-- postpone them and e) they are on in the initialized state (all by
-- "Configuration" and "User Notification").
--
-- a: the automatic fact identifies them -> PASS per mechanism
-- (lib.fact_pass over "Initiation and Interaction"); absent ->
-- IXIT_MISSING.  b, c: no automatic mechanism -> PASS, vacuous (the text's
-- "does not support automatic updates"); an automatic one whose
-- "Configuration" is absent or a placeholder -> FAIL (no way to change it
-- and no default declared); otherwise REVIEW_PENDING quoting it.
-- d, e: there is no fact for notifications.  "User Notification" absent
-- -> IXIT_MISSING; a placeholder ("none") -> REVIEW_PENDING: a person
-- confirms the mechanism has no notifications (then d and e do not apply:
-- a PASS from wording would be a PASS by default); a text with
-- "Configuration" absent or a placeholder -> FAIL (notifications without
-- a way to configure them); otherwise REVIEW_PENDING quoting both.
-- 7-UpdMech empty -> FAIL (condition 12: a mechanism is implemented).
testcase {
  id = "5.3-6-1",
  type = "conceptual",
  ixit = { "7-UpdMech" },
  purpose = "Automatic updates and update notifications are declared on after initialization and can be enabled, disabled or postponed.",
  units = {
    a = {
      criterion = "The update mechanisms that install updates with no user interaction are identified from how they are initiated.",
      rule = "PASS per mechanism from the automatic fact (text that contradicts it withholds); absent fact IXIT_MISSING.",
      decided = "facts",
    },
    b = {
      criterion = "Each automatic mechanism lets the user enable, disable or postpone the automatic installation of security updates.",
      rule = "No automatic mechanism: vacuous PASS; Configuration absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
    c = {
      criterion = "Each automatic mechanism has automatic installation switched on in the initialized state.",
      rule = "No automatic mechanism: vacuous PASS; Configuration absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
    d = {
      criterion = "Each mechanism with update notifications lets the user enable, disable or postpone those notifications.",
      rule = "User Notification absent IXIT_MISSING; described with Configuration absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
    e = {
      criterion = "Each mechanism with update notifications has them switched on in the initialized state.",
      rule = "User Notification absent IXIT_MISSING; described with Configuration absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      return units:stop("FAIL", "7-UpdMech is empty although condition 12 (an update "
          .. "mechanism is implemented) holds")
    end
    local auto, manual, unknown = by_automatic(mechs)
    for _, m in ipairs(unknown) do
      units:add("a", "INCONCLUSIVE", lib.missing("7-UpdMech", m, "automatic"))
    end
    for _, m in ipairs(auto) do
      lib.fact_pass(units, "a", m, { INIT }, m.id .. ": automatic=true (rule: installs "
          .. "without user interaction)")
    end
    for _, m in ipairs(manual) do
      units:add("a", "PASS", m.id .. ": automatic=false (not an automatic mechanism)")
    end
    for _, l in ipairs({ "b", "c" }) do
      if #auto == 0 and #unknown == 0 then
        units:add(l, "PASS", "vacuous: no mechanism is automatic (automatic=false on "
            .. lib.join(ids(manual)) .. ")")
      end
      for _, m in ipairs(unknown) do
        units:add(l, "INCONCLUSIVE", lib.missing("7-UpdMech", m, "automatic"))
      end
      for _, m in ipairs(auto) do
        if lib.require_text(units, l, "7-UpdMech", m, { CONF },
            ": an automatic mechanism without a declared configuration or default") then
          lib.review(units, l, m.id .. ": judge whether " .. (l == "b"
              and "the user can enable, disable or postpone automatic installation"
              or "automatic installation is on in the initialized state") .. ": "
              .. lib.quote_fields(m, { CONF, INIT }, 160))
        end
      end
    end
    for _, l in ipairs({ "d", "e" }) do
      for _, m in ipairs(mechs) do
        local n = lib.field(m, NOTE)
        if n == nil then
          units:add(l, "INCONCLUSIVE", lib.missing("7-UpdMech", m, NOTE))
        elseif lib.is_placeholder(n) then
          lib.review(units, l, m.id .. ": \"" .. NOTE .. "\" " .. lib.quote(n, 40)
              .. ": confirm the mechanism gives no update notifications (then the unit does "
              .. "not apply to it)")
        elseif lib.require_text(units, l, "7-UpdMech", m, { CONF },
            ": update notifications are described but no configuration or default") then
          lib.review(units, l, m.id .. ": judge whether " .. (l == "d"
              and "the user can enable, disable or postpone update notifications"
              or "update notifications are on in the initialized state") .. ": "
              .. lib.quote_fields(m, { NOTE, CONF }, 160))
        end
      end
    end
    return units:settle("automatic updates and notifications on by default and configurable")
  end,
}

-- 5.3-6-2 (TS 103 701): on the initialized device, a) automatic updates
-- are on and b) the user can enable, disable or postpone them as
-- "Configuration" says; c) update notifications are on and d) the user can
-- change them likewise.
--
-- No probe reads a device's update settings: each unit is an observation
-- a person makes on the freshly initialized device (MANUAL_STEP_PENDING,
-- naming the mechanism and its declared configuration).  a, b: no
-- automatic mechanism (automatic=false on every one) -> PASS, vacuous by
-- the facts; automatic absent -> IXIT_MISSING.  c, d: always observed,
-- also where "User Notification" says none (the person confirms there are
-- none: a PASS from wording would be a PASS by default).  No 7-UpdMech
-- entry -> IXIT_MISSING.
testcase {
  id = "5.3-6-2",
  type = "functional",
  ixit = { "7-UpdMech" },
  purpose = "On the initialized device automatic updates and notifications are on and the user can enable, disable or postpone them.",
  units = {
    a = {
      criterion = "On the device in its initialized state, automatic installation of updates is switched on for each automatic mechanism.",
      rule = "No automatic mechanism: vacuous PASS; otherwise a person looks at the settings.",
      observation = "auto-update-default",
      observe = "on the freshly initialized device open the update settings of the mechanism and record whether automatic installation is on",
      decided = "observation",
      reach = "network",
    },
    b = {
      criterion = "The user can actually enable, disable or postpone automatic installation of security updates as the configuration describes.",
      rule = "No automatic mechanism: vacuous PASS; otherwise a person changes the setting.",
      observation = "auto-update-toggle",
      observe = "disable, re-enable and postpone automatic installation as the declared Configuration describes and record that each change takes effect",
      decided = "observation",
      reach = "network",
    },
    c = {
      criterion = "On the device in its initialized state, update notifications are switched on for each mechanism that offers them.",
      observation = "notification-default",
      observe = "on the freshly initialized device record whether update notifications exist and are on, and where they are shown",
      decided = "observation",
      reach = "network",
    },
    d = {
      criterion = "The user can actually enable, disable or postpone update notifications as the configuration describes.",
      observation = "notification-toggle",
      observe = "disable, re-enable and postpone update notifications as the declared Configuration describes and record that each change takes effect",
      decided = "observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.PERSON)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:7-UpdMech/-/-: no update mechanism "
          .. "declared to look at", lib.FACTS)
    end
    local auto, manual, unknown = by_automatic(mechs)
    for _, l in ipairs({ "a", "b" }) do
      for _, m in ipairs(unknown) do
        units:add(l, "INCONCLUSIVE", lib.missing("7-UpdMech", m, "automatic"), lib.FACTS)
      end
      for _, m in ipairs(auto) do
        lib.manual_note(units, l, m.id .. ": Configuration "
            .. lib.quote(lib.field(m, CONF) or "(absent)", 120))
      end
      if #auto == 0 and #unknown == 0 then
        units:add(l, "PASS", "vacuous: no mechanism is automatic (automatic=false on all "
            .. #manual .. ")", lib.FACTS)
      end
    end
    for _, l in ipairs({ "c", "d" }) do
      for _, m in ipairs(mechs) do
        lib.manual_note(units, l, m.id .. ": User Notification "
            .. lib.quote(lib.field(m, NOTE) or "(absent)", 100) .. ", Configuration "
            .. lib.quote(lib.field(m, CONF) or "(absent)", 100))
      end
    end
    return units:settle("update settings observed on and changeable")
  end,
}
