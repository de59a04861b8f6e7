-- Test group 5.1-1: no universal default passwords.  Outside the factory
-- default state, every password must be unique per device or user-defined.
group "5.1-1"

local ITEM = "1-AuthMech"

-- Password mechanisms of 1-AuthMech by facts.  Returns the list of
-- password entries; entries whose `factor` is absent are reported
-- IXIT_MISSING on `letter`.
local function password_entries(units, letter)
  return lib.entries_where(units, letter, ITEM, lib.is_password, "factor")
end

-- Completeness against the ICS: condition 1 (passwords are used) with no
-- password mechanism in 1-AuthMech is an incomplete IXIT, not a vacuous
-- PASS.
local function completeness(units, letter, n)
  if n == 0 and assay.ics.conditions[1] then
    units:add(letter, "FAIL", "the ICS says passwords are used (condition 1) but 1-AuthMech "
        .. "declares no mechanism with factor=password or pin: the IXIT is incomplete")
    return false
  end
  return true
end

-- Unit a (TS 103 701): for each password mechanism whose password is
-- not user-defined and is used outside the factory default state, the
-- generation mechanism makes it unique per device.
--
-- Rules (facts of docs/facts.md):
--   password-set-by=user                     -> out of scope of the unit
--   password-set-by=pre-installed-shared     -> FAIL, unless
--       user-must-change=true: the shared value is then only a factory-
--       default password (EN 303 645 5.1-1 allows that); REVIEW_PENDING
--       for the assessor to confirm, and 5.1-1-2 b tries it on the device.
--       (Looser than "shared = FAIL" on purpose: the provision exempts
--       the factory default state.)
--   pre-installed-unique + generation=csprng -> PASS (rule: an independent
--       draw from a CSPRNG per device gives each device its own value)
--   pre-installed-unique + generation=fixed  -> FAIL (one value for all)
--   pre-installed-unique + sequential / derived-from-device-data
--       -> REVIEW_PENDING: distinct per device, but whether it is
--       "unique" rather than predictable is judged in 5.1-2-1
--   generation absent -> IXIT_MISSING
-- The free-text "Password Generation Mechanism" is quoted to the assessor,
-- never judged by keywords.
testcase {
  id = "5.1-1-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "Non-user-defined passwords used outside factory default are unique per device.",
  units = {
    a = {
      criterion = "Each password of a user authentication mechanism that the user does not choose, and that is used beyond the factory default state, is generated so that every device gets its own.",
      rule = "PASS iff password-set-by=pre-installed-unique and password-generation=csprng; a fixed value, or a shared one usable outside factory default, FAILs; other generations need a person.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local pw = password_entries(units, "a")
    if not units:has("a") and not completeness(units, "a", #pw) then return units:settle("") end
    local inscope = 0
    for _, e in ipairs(pw) do
      -- The unit covers user authentication (TS 103 701 5.1-1-1 a); a
      -- machine mechanism (user-auth=false) is 5.4-3's (hard-coded
      -- critical security parameters).  An unstated user-auth counts as
      -- user authentication: the stricter reading when the form is silent.
      if lib.fact(e, "user-auth") == false then goto next_entry end
      local by = lib.require_fact(units, "a", ITEM, e, "password-set-by")
      local facts = lib.facts_text(e, { "password-set-by", "password-generation",
          "user-must-change" })
      if by == "user" then
        -- user-defined: 5.1-1-2 b checks the user must set it.
      elseif by == "pre-installed-shared" then
        inscope = inscope + 1
        local must = lib.fact(e, "user-must-change")
        if must == true then
          lib.review(units, "a", e.id .. ": " .. facts .. ": confirm that the shared "
              .. "pre-installed password works only in the factory default state (the user "
              .. "must replace it before any other use)")
        else
          units:add("a", "FAIL", e.id .. ": " .. facts .. ": one password shared by all "
              .. "devices and usable outside the factory default state "
              .. "(rule: pre-installed-shared without user-must-change=true)")
        end
      elseif by == "pre-installed-unique" then
        inscope = inscope + 1
        local gen = lib.require_fact(units, "a", ITEM, e, "password-generation")
        if gen == "csprng" then
          lib.fact_pass(units, "a", e, { "Password Generation Mechanism", "Authentication Factor" },
              e.id .. ": " .. facts .. " (rule: unique per device iff "
              .. "password-set-by=pre-installed-unique and password-generation=csprng)")
        elseif gen == "fixed" then
          units:add("a", "FAIL", e.id .. ": " .. facts .. ": a fixed password is the same "
              .. "on every device")
        elseif gen == "user-chosen" then
          units:add("a", "INCONCLUSIVE", e.id .. ": facts contradict each other (" .. facts
              .. "): a pre-installed password cannot be user-chosen; the IXIT must be corrected")
        elseif gen ~= nil then
          lib.review(units, "a", e.id .. ": " .. facts .. ": judge whether this generation "
              .. "gives each device its own password; the manufacturer says "
              .. lib.quote(lib.field(e, "Password Generation Mechanism") or "(no text)"))
        end
      end
      ::next_entry::
    end
    if inscope == 0 and not units:has("a") then
      units:add("a", "PASS", "vacuous: every password of a user authentication mechanism "
          .. "is user-defined (password-set-by=user)")
    end
    return units:settle("every non-user-defined password is unique per device by the "
        .. "declared facts")
  end,
}

-- 1-AuthMech entries by the service they refer to (a service may carry
-- several: HTTP authentication and a form login on one web server).
local function declared_mechanisms()
  local by_service = {}
  for _, e in ipairs(lib.entries(ITEM)) do
    for _, s in ipairs(lib.services(e)) do
      by_service[s.id] = by_service[s.id] or {}
      table.insert(by_service[s.id], e)
    end
  end
  return by_service
end

-- Lists of universal default credentials tried on every password service.
local default_lists = { "mirai", "iot-defaults" }

-- A credential list from testcases/data as {user, password} pairs, parsed
-- in C by the code try_credentials uses.
local function read_list(name)
  return assay.net.credential_list({ list = name })
end

-- Distinct symbols of a string.
local function distinct(s)
  local seen, n = {}, 0
  for ch in s:gmatch(".") do
    if not seen[ch] then seen[ch] = true; n = n + 1 end
  end
  return n
end

-- Unit a (TS 103 701): no password-based mechanism on a network interface
-- is missing from 1-AuthMech (sweep: undeclared ports asking for a login;
-- declared services that answer with a password challenge but have no
-- 1-AuthMech entry) -> FAIL.  The text also asks for the logins the user
-- manual describes: the observation manual-logins, so a PASSes only from
-- the person's judgement.  Looser than the text on the network side: TCP
-- only (UDP and radio logins are for the person too).
-- Unit b (TS 103 701): for each password-based user authentication
-- mechanism whose password is user-defined (password-set-by=user), the
-- user is required to define it before the mechanism can be used.  That is
-- seen from the factory default state, so it stays MANUAL_STEP_PENDING
-- (observation factory-default-first-use) and PASSes only from the
-- person's judgement.  What Assay decides itself, all FAIL-only:
--   - user-must-change=false on such a mechanism (the IXIT says the user
--     need not set it first);
--   - a set-up credential origin="pre-installed" for its service (the
--     device ships a password the user did not define);
--   - an empty password accepted on its service (no password defined yet).
-- No user-defined mechanism: vacuous for the text (the ICS has no
-- condition that implies one).
-- Assay's addition, beyond the text and reported as such in the reason:
-- the universal default lists (Mirai, documented vendor defaults) on every
-- declared password service; one accepted -> FAIL, a list left untried ->
-- INCONCLUSIVE.  (Before issue 14 this trial *was* unit b; it stays
-- because EN 303 645 5.1-1 forbids universal defaults whoever sets them.)
-- Form logins (1-AuthMech login-form-* facts, docs/facts.md) get the
-- lists through the form, one pair at a time (lib.form_trial): first a
-- random wrong password must be judged refused and the lab credential
-- accepted, else b stays INCONCLUSIVE (a marker that cannot tell a login
-- from a refusal proves nothing either way); an answer showing both
-- indications or neither stops the trial as "could not be told".  Where
-- the mechanism declares a lockout after N, the lab credential logs in
-- after every N-1 wrong pairs so the trial never locks the owner out; a
-- device that locks anyway leaves the rest untried (INCONCLUSIVE).  Looser
-- than an attacker, who would not reset the count: lockout is 5.1-5-2's.
-- An HTTP page with a password input and no declared form is not tried:
-- INCONCLUSIVE naming the missing facts (IXIT_MISSING .../login-form-path).
-- Unit c: pre-installed passwords the lab read off the device (set-up
-- credentials with origin="pre-installed") match the declared facts
-- (password-length, password-alphabet) and are not a known default.
testcase {
  id = "5.1-1-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  exclusive = "credentials",        -- counts login attempts: never beside another such test case
  purpose = "On the device: no undeclared password interface, no universal default accepted, defaults match the scheme.",
  units = {
    a = {
      criterion = "No password-based login reachable over a network interface (or described in the manual) is missing from 1-AuthMech.",
      rule = "Full TCP sweep: an undeclared port asking for a login, or a declared service challenging for a password without a 1-AuthMech entry, FAILs; the user manual is a person's to read.",
      observation = "manual-logins",
      observe = "Read the user manual for every password login it describes (web, app, telnet, SSH, serial, MQTT ...) and check each one has a 1-AuthMech entry.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "For each user authentication mechanism whose password the user defines, the device makes the user set that password before the mechanism can be used.",
      rule = "user-must-change=false, a pre-installed lab credential or an empty password accepted FAILs; first use from factory default is a person's; addition: any Mirai/vendor default accepted FAILs.",
      observation = "factory-default-first-use",
      observe = "From the factory default state, try each mechanism with a user-defined password before setting one: it must refuse use until the user defines the password.",
      decided = "automatic+observation",
      reach = "network",
    },
    c = {
      criterion = "Passwords the device ships with (not user-defined, used beyond factory default) agree with the declared password generation.",
      rule = "Each pre-installed password in the lab set-up must have password-length characters, at most password-alphabet symbols, and not be a known default.",
      decided = "facts",
      reach = "physical",
    },
  },
  run = function(a)
    local SWEEP = lib.probed("tcp_sweep, banner, http_request", "TCP ports 1-65535")
    local units = lib.units(SWEEP)
    local sweep, why = lib.sweep()
    if not sweep then return units:stop("INCONCLUSIVE", why) end
    local mechs = declared_mechanisms()
    local sids = lib.keys(mechs)
    -- a) undeclared password-protected interfaces.
    local undeclared = {}
    local logins, skipped = lib.undeclared_logins(sweep)
    for _, l in ipairs(logins) do
      undeclared[#undeclared + 1] = "tcp/" .. l.port .. " (undeclared port: " .. l.detail .. ")"
    end
    if skipped > 0 then
      units:add("a", "INCONCLUSIVE", skipped .. " more undeclared open port(s) not examined "
          .. "for a login (Assay examines the first 32; 5.6-1-2 lists them)")
    end
    for _, s in ipairs(assay.ixit.services) do
      if mechs[s.id] == nil and lib.password_protected(s) then
        undeclared[#undeclared + 1] = s.id .. " (" .. s.protocol .. "/" .. s.port
            .. ", no 1-AuthMech entry)"
      end
    end
    if #undeclared > 0 then
      units:add("a", "FAIL", "password interfaces missing from 1-AuthMech: " .. lib.join(undeclared))
    else
      -- The network half is checked; the manual half (the text names
      -- it) waits for the person, so a stays open until judged.
      units:add("a", "INCONCLUSIVE", "MANUAL_STEP_PENDING: manual-logins: the full TCP sweep "
          .. "found no undeclared password interface; read the user manual for any password "
          .. "login it describes and check each has a 1-AuthMech entry", lib.PERSON)
    end
    -- b) user-defined passwords must be set before use (TS 103 701), then
    -- the universal-default trial (Assay's addition, labelled as such).
    local ud, ud_seen = {}, {}
    for _, id in ipairs(sids) do
      for _, e in ipairs(mechs[id]) do
        if lib.is_password(e) and lib.fact(e, "user-auth") ~= false and
            lib.fact(e, "password-set-by") == "user" then
          if not ud_seen[e.id] then ud_seen[e.id] = true; ud[#ud + 1] = e end
        end
      end
    end
    local UD = lib.probed("login", "one empty-password attempt per service")
    local ud_names = {}
    for _, e in ipairs(ud) do
      ud_names[#ud_names + 1] = e.id
      local facts = lib.facts_text(e, { "password-set-by", "user-must-change" })
      if lib.fact(e, "user-must-change") == false then
        units:add("b", "FAIL", e.id .. ": " .. facts .. ": the IXIT says the user need not "
            .. "set the user-defined password before the mechanism is used", lib.FACTS)
      end
      for _, s in ipairs(lib.services(e)) do
        for _, c in ipairs(lib.credentials()) do
          if c.service == s.id and c.origin == "pre-installed" then
            units:add("b", "FAIL", e.id .. " declares password-set-by=user, but the lab read "
                .. "a pre-installed password for " .. s.id .. " off the device (set-up "
                .. "credential " .. c.id .. "): it is usable before the user defines one",
                lib.FACTS)
          end
        end
        -- A mechanism that lets anyone in with an empty password has no
        -- password defined yet: the user was not required to set one.
        local user
        for _, c in ipairs(lib.credentials()) do
          if c.service == s.id and user == nil then user = c.username end
        end
        local ok, detail = lib.login(s, user or "admin", "", e)
        if ok == true then
          units:add("b", "FAIL", e.id .. "@" .. s.id .. " (password-set-by=user) accepts an "
              .. "empty password: it is usable without a user-defined password", UD)
        elseif ok == nil then
          units:add("b", "INCONCLUSIVE", "DUT_UNREACHABLE: " .. e.id .. "@" .. s.id
              .. ": the empty-password attempt got no answer (" .. lib.clip(tostring(detail), 120)
              .. ")", UD)
        end
      end
    end
    if #ud > 0 then
      -- What the unit asks is seen only from the factory default state:
      -- a person resets the device and tries the mechanism first.
      units:add("b", "INCONCLUSIVE", "MANUAL_STEP_PENDING: factory-default-first-use: from "
          .. "the factory default state, confirm that " .. lib.join(ud_names)
          .. " cannot be used before the user defines the password", lib.PERSON)
    else
      units:add("b", "PASS", "vacuous: no password mechanism of 1-AuthMech is user-defined "
          .. "(password-set-by=user), so none must be set before use", lib.FACTS)
    end
    -- Assay's addition to TS 103 701 5.1-1-2 b: the universal default lists
    -- (Mirai, documented vendor defaults) on every declared password
    -- service.  EN 303 645 5.1-1 forbids universal default passwords
    -- outright; a list accepted is a FAIL, marked as coming from this
    -- addition, and a list left untried keeps b open, since otherwise an
    -- accepted default could go unseen.
    local ADD = "Assay's addition (universal default lists, beyond TS 103 701 5.1-1-2 b): "
    local accepted, tried, unreachable, nopw, kinds, forms = {}, 0, {}, {}, {}, {}
    local try = lib.probe("try_credentials")
    for _, id in ipairs(sids) do
      local s = assay.ixit.service_by_id[id]
      -- A declared form login gets the lists through the form, one pair
      -- at a time (lib.form_trial: calibrated with the lab credential and
      -- paced so a declared lockout is never reached).
      local other = false
      for _, e in ipairs(mechs[id]) do
        if lib.form_of(e) then
          kinds["http-form"] = true
          forms[#forms + 1] = e.id .. "@" .. id
          local r = lib.form_trial(s, e, default_lists)
          tried = tried + r.tried
          for _, pair in ipairs(r.accepted) do
            accepted[#accepted + 1] = string.format("%s accepts the universal default %s:%s "
                .. "through the form login of %s (POST %s; %s list)", id, pair[1], pair[2],
                e.id, lib.fact(e, "login-form-path"), pair[3])
          end
          for _, why in ipairs(r.open) do unreachable[#unreachable + 1] = why end
        else
          other = true
        end
      end
      local kind = ({ telnet = "telnet", ssh = "ssh", http = "http-basic",
          https = "http-basic", mqtt = "mqtt", mqtts = "mqtt" })[s.protocol]
      local auth, no = true, nil
      if other and (s.protocol == "http" or s.protocol == "https") then
        auth, no = lib.http_auth(s, true)
      end
      if not other then
        -- Only form logins refer to this service: tried above.
      elseif not auth then
        unreachable[#unreachable + 1] = id .. ": " .. tostring(no)
      elseif try and kind then
        -- MQTT brokers get the Mirai list, one CONNECT at a time.
        kinds[kind] = true
        for _, list in ipairs(kind == "mqtt" and { "mirai" } or default_lists) do
          -- Small concurrency: dropbear resets more than 5 unauthenticated
          -- connections per source, busybox telnetd has a backlog of 1.
          local conc = ({ ssh = 2, telnet = 4, mqtt = 1 })[kind]
          local req = { service = kind, host = lib.addr(s), port = s.port,
              url = lib.service_url(s), list = list, stop_on_success = true, concurrency = conc,
              tls = kind == "mqtt" and s.security == "tls" or nil }
          -- The runner adapts its concurrency and tries an unreached
          -- pair again; what it still could not try comes back as
          -- untried, with why.  Only pairs the device judged count.
          local r, err = try(req)
          if not r then
            unreachable[#unreachable + 1] = id .. ": " .. err
            break
          end
          if r.no_password then
            nopw[#nopw + 1] = id .. ": " .. tostring(r.no_password_reason or "no password to guess")
            break
          end
          if r.stopped_answering then
            unreachable[#unreachable + 1] = string.format("%s: the device stopped answering after "
                .. "%d judged attempts of the %s list (%s pairs untried)", id, r.after or 0, list,
                tostring(r.untried or "some"))
            break
          end
          local judged = math.tointeger(r.tried) or 0
          if judged == 0 and #r.accepted == 0 then
            unreachable[#unreachable + 1] = id .. ": " .. (r.last_error or "no answer")
            break
          end
          tried = tried + judged
          for _, pair in ipairs(r.accepted) do
            accepted[#accepted + 1] = string.format("%s accepts the universal default %s:%s "
                .. "(%s list)", id, pair[1], pair[2], list)
          end
          if #r.accepted > 0 then break end
          -- PASS needs the runner's word that every pair was judged.
          if r.untried == nil or r.untried > 0 then
            unreachable[#unreachable + 1] = string.format("%s: %s of the %s list's pairs untried (%s)",
                id, tostring(r.untried or "how many"), list,
                tostring(r.untried_reason or "the runner did not say how many were tried"))
          end
        end
      else
        unreachable[#unreachable + 1] = id .. ": no credential probe for " .. tostring(s.protocol)
      end
    end
    -- Each service stops at its first accepted pair, and how many
    -- attempts were on their way by then varies from run to run: the
    -- count goes to the transcript, the sample says where it stopped.
    assay.log("5.1-1-2 b: " .. tried .. " pairs judged by the device")
    local TRY = lib.probed("try_credentials " .. table.concat(lib.keys(kinds), ", "),
        #accepted > 0 and "login attempts up to each service's first accepted pair (counted "
        .. "in the transcript)" or (tried .. " login attempts judged"))
    if #accepted > 0 then
      units:add("b", "FAIL", ADD .. table.concat(accepted, "; "), TRY)
    elseif #unreachable > 0 then
      units:add("b", "INCONCLUSIVE", ADD .. "could not try every default on "
          .. table.concat(unreachable, "; "), TRY)
    else
      units:add("b", "PASS", ADD .. tried .. " universal default credentials (Mirai and "
          .. "documented vendor defaults) rejected"
          .. (#forms > 0 and (" (form logins " .. lib.join(forms) .. " included)") or "")
          .. (#nopw > 0 and ("; no password to guess on " .. table.concat(nopw, "; ")) or ""), TRY)
    end
    -- c) observed pre-installed passwords against the declared scheme.
    local known = {}
    for _, list in ipairs(default_lists) do
      for _, pair in ipairs(read_list(list) or {}) do known[pair[2]] = true end
    end
    local checked, wanted, seen_cred = 0, {}, {}
    for _, id in ipairs(sids) do
     for _, e in ipairs(mechs[id]) do
      local by = lib.fact(e, "password-set-by")
      if lib.is_password(e) and (by == "pre-installed-unique" or by == "pre-installed-shared") then
        local found = false
        for _, c in ipairs(lib.credentials()) do
          if c.service == id and c.origin == "pre-installed" and seen_cred[c.id] then
            found = true      -- judged with the service's first mechanism
          elseif c.service == id and c.origin == "pre-installed" then
            seen_cred[c.id] = true
            found, checked = true, checked + 1
            local len, alpha = lib.fact(e, "password-length"), lib.fact(e, "password-alphabet")
            local pw = c.password or ""
            if len == nil then
              units:add("c", "INCONCLUSIVE", lib.missing(ITEM, e, "password-length"), lib.FACTS)
            elseif #pw ~= len then
              units:add("c", "FAIL", string.format("%s: the pre-installed password has %d "
                  .. "characters, %s declares password-length=%d", c.id, #pw, e.id, len),
                  lib.FACTS)
            end
            if alpha ~= nil and distinct(pw) > alpha then
              units:add("c", "FAIL", string.format("%s: the pre-installed password uses %d "
                  .. "distinct symbols, more than password-alphabet=%d of %s", c.id,
                  distinct(pw), alpha, e.id), lib.FACTS)
            end
            if lib.fact(e, "password-generation") == "csprng" and known[pw] then
              units:add("c", "FAIL", c.id .. ": the pre-installed password is a known "
                  .. "default, not a CSPRNG draw as " .. e.id .. " declares", lib.FACTS)
            end
            if len ~= nil and #pw == len and not known[pw] then
              units:add("c", "PASS", c.id .. ": length " .. #pw .. " as declared, not a known "
                  .. "default", lib.FACTS)
            elseif len ~= nil and #pw == len and lib.fact(e, "password-generation") == nil then
              units:add("c", "INCONCLUSIVE", lib.missing(ITEM, e, "password-generation")
                  .. " (" .. c.id .. " is a known default)", lib.FACTS)
            elseif len ~= nil and #pw == len and lib.fact(e, "password-generation") ~= "csprng" then
              -- A known default is what password-generation=fixed leads
              -- to: consistent with the declared scheme, which 5.1-1-1
              -- and 5.1-2-1 judge.
              units:add("c", "PASS", c.id .. ": length " .. #pw .. " as declared; a known "
                  .. "default, consistent with " .. e.id .. " "
                  .. lib.facts_text(e, { "password-generation" }), lib.FACTS)
            end
          end
        end
        if not found then wanted[#wanted + 1] = id end
      end
     end
    end
    if #wanted > 0 then
      units:add("c", "INCONCLUSIVE", "IXIT_MISSING:setup/" .. table.concat(wanted, ",")
          .. "/credential origin=pre-installed (read a pre-installed password off the device "
          .. "to compare it with the declared generation)", lib.FACTS)
    elseif checked == 0 then
      units:add("c", "PASS", "vacuous: no mechanism declares a pre-installed password", lib.FACTS)
    end
    return units:settle("no undeclared password interface, no universal default accepted, "
        .. "pre-installed passwords as declared")
  end,
}
