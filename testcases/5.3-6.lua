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
-- Where a mechanism declares a settings interface (settings-service,
-- settings-path and auto-update-field / notify-field, docs/facts.md),
-- Assay reads and writes the setting itself over HTTP(S) with the lab
-- credential of that service:
--   a, c: one GET; the member must occur exactly once in a JSON object and
--     its value be settings-on (PASS, in the state the lab put the device
--     in: that it is the initialized state is the lab's to ensure) or
--     settings-off (FAIL); anything else (no answer, not 200, member
--     missing or repeated, another value) -> INCONCLUSIVE with what was
--     read: an unreadable setting is never on.
--   b, d: only with settings-write-body; from the state just read, write
--     the other value and read it back, then write the first value again
--     and read it back (on: off then on; off: on then off, so the device is
--     left as found; unreadable: nothing is written).  Both round trips
--     hold -> PASS; the first write refused or not taking effect -> FAIL
--     (the user cannot switch it); the way back refused or not taking
--     effect -> INCONCLUSIVE that says loudly the device is left with the
--     setting changed, so the lab restores it before anything else runs.
--     Looser than the text: it accepts enable, disable OR postpone;
--     Assay checks enable and disable only.  A device that offers only
--     postponing would not declare a write, and stays with a person.
-- A mechanism without such an interface (or without the write for b, d)
-- keeps the observation: MANUAL_STEP_PENDING naming it and its declared
-- configuration.  a, b: no automatic mechanism (automatic=false on every
-- one) -> PASS, vacuous by the facts; automatic absent -> IXIT_MISSING.
-- c, d: every mechanism, also where "User Notification" says none (a
-- person confirms there are none: a PASS from wording would be a PASS by
-- default), unless it declares notify-field.  No 7-UpdMech entry ->
-- IXIT_MISSING.
--
-- The test case writes device state, so it must not run beside the test
-- cases whose outcome that state changes: 5.3-1-2, 5.3-2-2 and 5.3-10-1
-- serve updates to the device's update client and judge what it installs;
-- with automatic updates switched off under them, a device that installs
-- nothing would look as if it refused a tampered image.  They hold the
-- "gateway" tag and a test case has one tag, so this one takes "gateway"
-- too (the other functional 5.3 test cases, 5.3-13-2 and 5.3-16-2, read
-- pages and do not depend on the settings).

-- The settings interface of a mechanism, or nil, why-not-automatic.
local function settings_of(m)
  local path = lib.fact(m, "settings-path")
  if path == nil then return nil end
  return {
    sid = lib.fact(m, "settings-service"), path = path,
    on = lib.fact(m, "settings-on"), off = lib.fact(m, "settings-off"),
    body = lib.fact(m, "settings-write-body"),
    won = lib.fact(m, "settings-write-on"), woff = lib.fact(m, "settings-write-off"),
  }
end

-- The lab credential for a service id, or nil.
local function credential_for(sid)
  for _, c in ipairs(lib.credentials()) do
    if c.service == sid then return c end
  end
  return nil
end

-- The value of JSON member `field` in `body`: the body must be one JSON
-- object and the member occur exactly once (a nested or repeated member
-- is ambiguous); the value is a string's content or a bare literal.
-- Returns value or nil, why.
local function member(body, field)
  local t = (body or ""):sub(1, 65536)
  if not t:match("^%s*{") or not t:match("}%s*$") then
    return nil, "the answer is not a JSON object: " .. lib.quote(t, 80)
  end
  local key, found, n, at = "\"" .. field .. "\"", nil, 0, 1
  while true do
    local s, e = t:find(key, at, true)
    if s == nil then break end
    local rest = t:sub(e + 1)
    if rest:match("^%s*:") then
      n = n + 1
      local v = rest:match("^%s*:%s*\"([^\"\\]*)\"") or rest:match("^%s*:%s*([%w%.%-_]+)")
      found = v or ""
    end
    at = e + 1
  end
  if n == 0 then return nil, "no member \"" .. field .. "\" in " .. lib.quote(t, 80) end
  if n > 1 then
    return nil, "member \"" .. field .. "\" appears " .. n .. " times (ambiguous) in " .. lib.quote(t, 80)
  end
  if found == "" then
    return nil, "member \"" .. field .. "\" has no plain value in " .. lib.quote(t, 80)
  end
  return found
end

-- Reads one setting: "on" | "off", what was read; or nil, why.
local function read_setting(ctx, field)
  local r, err = ctx.http({ url = ctx.url, user = ctx.cred.username,
      password = ctx.cred.password, auth = "basic", max_read = 65536, timeout_ms = 5000 })
  if not r then return nil, "GET " .. ctx.path .. ": " .. tostring(err) end
  if r.status ~= 200 then return nil, "GET " .. ctx.path .. " answers HTTP " .. r.status end
  local v, why = member(r.body, field)
  if v == nil then return nil, "GET " .. ctx.path .. ": " .. why end
  local read = field .. "=" .. v
  if v == ctx.st.on then return "on", read end
  if v == ctx.st.off then return "off", read end
  return nil, "GET " .. ctx.path .. ": " .. read .. " is neither settings-on "
      .. lib.quote(ctx.st.on, 32) .. " nor settings-off " .. lib.quote(ctx.st.off, 32)
end

-- Writes one setting: true; false, why (refused); nil, why (no answer).
local function write_setting(ctx, field, state)
  local v = state == "on" and ctx.st.won or ctx.st.woff
  local body = ctx.st.body:gsub("%%k", (field:gsub("%%", "%%%%"))):gsub("%%v", (v:gsub("%%", "%%%%")))
  local r, err = ctx.http({ url = ctx.url, method = "POST", body = body,
      headers = { ["Content-Type"] = "application/x-www-form-urlencoded" },
      user = ctx.cred.username, password = ctx.cred.password, auth = "basic",
      max_read = 65536, timeout_ms = 5000 })
  if not r then return nil, "POST " .. ctx.path .. " " .. body .. ": " .. tostring(err) end
  if r.status < 200 or r.status > 299 then
    return false, "POST " .. ctx.path .. " " .. body .. " refused: HTTP " .. r.status
  end
  return true, "POST " .. ctx.path .. " " .. body
end

-- Unit letter for reading (la) and switching (lb) one setting of mechanism
-- m through ctx; what names the setting for the reasons.
local function check_setting(units, la, lb, m, ctx, field, what)
  local how = lib.probed("http_request", "GET/POST " .. ctx.path)
  local state, read = read_setting(ctx, field)
  if state == "on" then
    units:add(la, "PASS", m.id .. ": " .. what .. " on (" .. read .. ") in the state the lab "
        .. "put the device in; the initialized state is the lab's to ensure", how)
  elseif state == "off" then
    units:add(la, "FAIL", m.id .. ": " .. what .. " off (" .. read .. ")", how)
  else
    units:add(la, "INCONCLUSIVE", m.id .. ": " .. what .. " not readable: " .. read, how)
  end
  if ctx.st.body == nil then
    lib.manual_note(units, lb, m.id .. ": no settings-write-body declared; Configuration "
        .. lib.quote(lib.field(m, CONF) or "(absent)", 100))
    return
  end
  if state == nil then
    units:add(lb, "INCONCLUSIVE", m.id .. ": " .. what .. " not switched: its state could "
        .. "not be read, so it could not be restored (" .. read .. ")", how)
    return
  end
  local other = state == "on" and "off" or "on"
  local steps = {}
  for i, want in ipairs({ other, state }) do
    local ok, why = write_setting(ctx, field, want)
    steps[#steps + 1] = why
    local got, gread = nil, nil
    if ok then got, gread = read_setting(ctx, field) end
    if ok and got == want then
      steps[#steps + 1] = "reads " .. gread
    elseif i == 1 then
      local cause = ok == nil and why or ok == false and why
          or got == nil and ("read back: " .. gread)
          or ("write ignored: still reads " .. gread)
      if ok == nil or (ok and got == nil) then
        units:add(lb, "INCONCLUSIVE", m.id .. ": switching " .. what .. " " .. want
            .. " not confirmed: " .. cause, how)
      else
        units:add(lb, "FAIL", m.id .. ": " .. what .. " cannot be switched " .. want .. ": "
            .. cause, how)
      end
      -- Put back what may have changed (a write refused changed nothing).
      if ok ~= false then write_setting(ctx, field, state) end
      return
    else
      local cause = ok == nil and why or ok == false and why
          or got == nil and ("read back: " .. gread) or ("write ignored: reads " .. gread)
      units:add(lb, "INCONCLUSIVE", m.id .. ": DEVICE LEFT WITH " .. what:upper() .. " "
          .. other:upper() .. ": switching it back " .. want .. " failed (" .. cause
          .. "); restore it by hand before further tests (" .. table.concat(steps, "; ") .. ")", how)
      return
    end
  end
  units:add(lb, "PASS", m.id .. ": the user can disable and enable " .. what .. " ("
      .. table.concat(steps, "; ") .. "); postponing is not checked (enable/disable is enough "
      .. "for the unit)", how)
end

-- The context for a mechanism's settings interface, or nil, why.
local function context(m, st)
  local s = assay.ixit.service_by_id[st.sid or ""]
  if s == nil then return nil, m.id .. ": settings-service " .. lib.quote(st.sid or "", 40) .. " is not a declared service" end
  if st.on == nil or st.off == nil then
    return nil, lib.missing("7-UpdMech", m, st.on == nil and "settings-on" or "settings-off")
  end
  local cred = credential_for(s.id)
  if cred == nil then
    return nil, m.id .. ": no lab credential for service " .. s.id .. " in the set-up file "
        .. "to read the update settings with"
  end
  local http, why = lib.probe("http_request")
  if not http then return nil, why end
  if lib.addr(s) == nil then return nil, "IXIT_MISSING:setup/-/address" end
  return { st = st, cred = cred, http = http, path = st.path, url = lib.service_url(s, st.path) }
end

testcase {
  id = "5.3-6-2",
  type = "functional",
  ixit = { "7-UpdMech" },
  purpose = "On the initialized device automatic updates and notifications are on and the user can enable, disable or postpone them.",
  exclusive = "gateway",             -- writes the update settings the update test cases depend on
  units = {
    a = {
      criterion = "On the device in its initialized state, automatic installation of updates is switched on for each automatic mechanism.",
      rule = "No automatic mechanism: vacuous PASS; a declared settings interface reads on PASS, off FAILs, unreadable INCONCLUSIVE; otherwise a person looks at the settings.",
      observation = "auto-update-default",
      observe = "on the freshly initialized device open the update settings of the mechanism and record whether automatic installation is on",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "The user can actually enable, disable or postpone automatic installation of security updates as the configuration describes.",
      rule = "No automatic mechanism: vacuous PASS; a declared settings write switched off and on again, each read back: PASS, a write refused or ignored FAILs, a failed restore INCONCLUSIVE; otherwise a person changes it.",
      observation = "auto-update-toggle",
      observe = "disable, re-enable and postpone automatic installation as the declared Configuration describes and record that each change takes effect",
      decided = "automatic+observation",
      reach = "network",
    },
    c = {
      criterion = "On the device in its initialized state, update notifications are switched on for each mechanism that offers them.",
      rule = "A declared settings interface reads on PASS, off FAILs, unreadable INCONCLUSIVE; otherwise a person looks.",
      observation = "notification-default",
      observe = "on the freshly initialized device record whether update notifications exist and are on, and where they are shown",
      decided = "automatic+observation",
      reach = "network",
    },
    d = {
      criterion = "The user can actually enable, disable or postpone update notifications as the configuration describes.",
      rule = "A declared settings write switched off and on again, each read back: PASS, a write refused or ignored FAILs, a failed restore INCONCLUSIVE; otherwise a person changes it.",
      observation = "notification-toggle",
      observe = "disable, re-enable and postpone update notifications as the declared Configuration describes and record that each change takes effect",
      decided = "automatic+observation",
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
    -- One settings check per mechanism and setting: la, lb, field, what.
    local function checked(m, field, la, lb, what)
      local st = settings_of(m)
      if st == nil or field == nil then return false end
      local ctx, why = context(m, st)
      if ctx == nil then
        units:add(la, "INCONCLUSIVE", why)
        units:add(lb, "INCONCLUSIVE", why)
        return true
      end
      check_setting(units, la, lb, m, ctx, field, what)
      return true
    end
    local auto, manual, unknown = by_automatic(mechs)
    for _, m in ipairs(unknown) do
      for _, l in ipairs({ "a", "b" }) do
        units:add(l, "INCONCLUSIVE", lib.missing("7-UpdMech", m, "automatic"), lib.FACTS)
      end
    end
    for _, m in ipairs(auto) do
      if not checked(m, lib.fact(m, "auto-update-field"), "a", "b", "automatic updates") then
        for _, l in ipairs({ "a", "b" }) do
          lib.manual_note(units, l, m.id .. ": Configuration "
              .. lib.quote(lib.field(m, CONF) or "(absent)", 120))
        end
      end
    end
    if #auto == 0 and #unknown == 0 then
      for _, l in ipairs({ "a", "b" }) do
        units:add(l, "PASS", "vacuous: no mechanism is automatic (automatic=false on all "
            .. #manual .. ")", lib.FACTS)
      end
    end
    for _, m in ipairs(mechs) do
      if not checked(m, lib.fact(m, "notify-field"), "c", "d", "update notifications") then
        for _, l in ipairs({ "c", "d" }) do
          lib.manual_note(units, l, m.id .. ": User Notification "
              .. lib.quote(lib.field(m, NOTE) or "(absent)", 100) .. ", Configuration "
              .. lib.quote(lib.field(m, CONF) or "(absent)", 100))
        end
      end
    end
    return units:settle("update settings on and changeable")
  end,
}
