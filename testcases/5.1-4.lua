-- Test group 5.1-4: a simple mechanism to change the authentication value.
group "5.1-4"

local ITEM = "1-AuthMech"

-- User authentication mechanisms (user-auth fact); entries without the
-- fact are reported IXIT_MISSING on `letter`.
local function user_auth_entries(units, letter)
  return lib.entries_where(units, letter, ITEM, lib.is_user_auth, "user-auth")
end

-- The documentation declared in 2-UserInfo: list of {entry, text, url}.
local function change_docs()
  local out = {}
  for _, e in ipairs(lib.entries("2-UserInfo")) do
    local d = lib.field(e, "Documentation of Change Mechanisms")
    local u = lib.fact(e, "change-doc-url")
    if d or u then out[#out + 1] = { e = e, text = d, url = u } end
  end
  return out
end

-- Unit a (TS 103 701): for every user authentication mechanism, the
-- "Documentation of Change Mechanisms" covers it and explains the change
-- in terms a user with limited technical knowledge understands.
--
-- Rules: change-supported=false on a user-auth mechanism -> FAIL (there
-- is nothing to document); no documentation, or a placeholder text
-- ("TBD", "-", "none" ...) and no change-doc-url -> FAIL; otherwise
-- REVIEW_PENDING: coverage and understandability are read by a person
-- (the former PASS on any non-empty text is gone).  Condition 8 with no
-- user-auth mechanism -> FAIL (incomplete IXIT).
testcase {
  id = "5.1-4-1",
  type = "conceptual",
  ixit = { "1-AuthMech", "2-UserInfo" },
  purpose = "User documentation explains how to change the authentication value of every user authentication mechanism.",
  units = {
    a = {
      criterion = "For each user authentication mechanism, the user documentation covers it and explains how to change its authentication value in terms a non-technical user can follow.",
      rule = "change-supported=false, or no documentation (absent or a placeholder), FAILs; coverage and clarity are a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = user_auth_entries(units, "a")
    if #mechs == 0 and not units:has("a") then
      if assay.ics.conditions[8] then
        units:add("a", "FAIL", "the ICS says users can authenticate (condition 8) but "
            .. "1-AuthMech declares no mechanism with user-auth=true: the IXIT is incomplete")
        return units:settle("")
      end
      units:add("a", "PASS", "vacuous: no user authentication mechanism declared")
      return units:settle("vacuous: 1-AuthMech declares no user authentication mechanism")
    end
    if #mechs == 0 then return units:settle("") end
    local ids = {}
    for _, e in ipairs(mechs) do
      ids[#ids + 1] = e.id
      if lib.fact(e, "change-supported") == false then
        units:add("a", "FAIL", e.id .. ": change-supported=false: the user cannot change "
            .. "this authentication value")
      end
    end
    local docs, usable = change_docs(), {}
    for _, d in ipairs(docs) do
      if d.url or (d.text and not lib.is_placeholder(d.text)) then
        usable[#usable + 1] = d.e.id .. ": " .. (d.url and ("change-doc-url=" .. d.url .. " ") or "")
            .. (d.text and lib.quote(d.text, 200) or "")
      end
    end
    if #usable == 0 then
      units:add("a", "FAIL", "no documentation of how to change the authentication values of "
          .. lib.join(ids) .. " (\"Documentation of Change Mechanisms\" / change-doc-url "
          .. (#docs > 0 and "is a placeholder" or "absent") .. ")",
          #docs > 0 and lib.TEXT or lib.FACTS)
    else
      lib.review(units, "a", "read " .. table.concat(usable, "; ") .. " and judge whether it "
          .. "explains, for each of " .. lib.join(ids) .. ", how to change the value in terms "
          .. "a user with limited technical knowledge understands")
    end
    return units:settle("change documented for " .. lib.join(ids))
  end,
}

-- 5.1-4-2 through a declared change API ----------------------------------

-- Letters and digits: a value Assay sets needs no escaping in a form or a
-- JSON body, and every password policy we know accepts them.
local ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

-- The first http(s) service the entry refers to that has a lab credential:
-- service, credential; or the first http(s) service and nil; or nil.
local function api_service(e)
  local first
  for _, s in ipairs(lib.services(e)) do
    if s.protocol == "http" or s.protocol == "https" then
      first = first or s
      for _, c in ipairs(lib.credentials()) do
        if c.service == s.id and c.username and c.password and c.password ~= "" then
          return s, c
        end
      end
    end
  end
  return first, nil
end

-- A new value within what the mechanism declares: password-length when it
-- is 12..64 (shorter ones are weak and masked only as whole tokens,
-- docs/redact.md), else 20.  password-alphabet is a count, not the
-- symbols: the value is drawn from the 62 letters and digits (looser than
-- a device with fewer symbols might want: its refusal shows as a FAIL of a
-- that names the answer).
local function new_value(e, user)
  local n = lib.fact(e, "password-length")
  if type(n) ~= "number" or n < 12 or n > 64 then n = 20 end
  return assay.new_secret(n, ALNUM, user)
end

local function form_escape(v)
  return (v:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function json_escape(v)
  return (v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end))
end

-- Whether the answer r is the declared success (change-api-success: a
-- status, or a text in a 2xx body; absent: any 2xx), and how it looked.
local function succeeded(e, r)
  local want = lib.fact(e, "change-api-success")
  local what = "HTTP " .. r.status
  if type(want) == "string" and want:match("^%d%d%d$") then
    return r.status == tonumber(want), what
  end
  if r.status < 200 or r.status > 299 then
    return false, what .. " " .. lib.quote(r.body or "", 120)
  end
  if want and not (r.body or ""):find(want, 1, true) then
    return false, what .. " without " .. lib.quote(want)
  end
  return true, what .. (want and (" with " .. lib.quote(want)) or "")
end

-- One change request: the password of `user` from `old` (the login the
-- request is made with) to `new`.  true|false, what the answer was; nil,
-- err without an answer.
local function change(http, e, s, user, old, new)
  local tpl = lib.fact(e, "change-api-body")
  local json = tpl:match("^%s*{") ~= nil
  local enc = json and json_escape or form_escape
  local body = tpl:gsub("%%([no%%])", function(c)
    if c == "n" then return enc(new) elseif c == "o" then return enc(old) end
    return "%"
  end)
  local r, err = http({ url = lib.service_url(s, lib.fact(e, "change-api-path")),
      method = lib.fact(e, "change-api-method") or "POST",
      headers = { ["Content-Type"] = json and "application/json"
          or "application/x-www-form-urlencoded" },
      body = body, user = user, password = old, auth = "basic", max_read = 65536, follow = 0 })
  if not r then return nil, tostring(err) end
  return succeeded(e, r)
end

-- "accepted", "refused" or "no answer (...)" for one login.
local function login_state(s, user, pw)
  local ok, why = lib.login(s, user, pw)
  if ok == true then return "accepted" end
  if ok == false then return "refused" end
  return "no answer (" .. lib.clip(tostring(why), 120) .. ")"
end

-- Changes mechanism e's password through its API and back.  Returns the
-- outcomes { a = {verdict, reason}, b = {verdict, reason} } and the loud
-- restore failure (nil when the lab's value works again).
local function assess(http, e, s, c)
  local user, lab = c.username, c.password
  local where = e.id .. " (" .. s.id .. ", lab credential " .. c.id .. ")"
  local before = login_state(s, user, lab)
  if before ~= "accepted" then
    local why = where .. ": the lab's value is " .. before .. " before any change: "
        .. "nothing to change from"
    return { a = { "INCONCLUSIVE", why }, b = { "INCONCLUSIVE", why } }
  end
  local new = new_value(e, user)
  local done, answer = change(http, e, s, user, lab, new)
  local old_s = login_state(s, user, lab)
  local new_s = login_state(s, user, new)
  local out = {}
  local req = "the change request (" .. (lib.fact(e, "change-api-method") or "POST") .. " "
      .. lib.fact(e, "change-api-path") .. ")"
  if done == nil then
    out.a = { "INCONCLUSIVE", where .. ": no answer to " .. req .. ": " .. lib.clip(answer, 160) }
  elseif done == false then
    out.a = { "FAIL", where .. ": " .. req .. " made with the lab's login was refused: " .. answer }
  elseif new_s == "refused" and old_s == "accepted" then
    out.a = { "FAIL", where .. ": " .. req .. " answered success (" .. answer .. ") but "
        .. "nothing changed: the old value is still accepted, the new one refused" }
  elseif new_s == "refused" then
    out.a = { "FAIL", where .. ": " .. req .. " answered success (" .. answer .. ") but "
        .. "the new value is refused" }
  elseif new_s == "accepted" then
    out.a = { "PASS", where .. ": " .. req .. " answered " .. answer .. " and the new value works" }
  else
    out.a = { "INCONCLUSIVE", where .. ": " .. req .. " answered " .. answer .. "; the login "
        .. "with the new value got " .. new_s }
  end
  -- b: only when the device took a new value (or claimed to).
  if done ~= true and new_s ~= "accepted" then
    out.b = { "INCONCLUSIVE", where .. ": no change was made (unit a), so none can be checked" }
  elseif old_s == "accepted" and new_s == "refused" then
    out.b = { "FAIL", where .. ": after the change the old value is still accepted and the new "
        .. "one refused" }
  elseif old_s == "accepted" then
    out.b = { "FAIL", where .. ": after the change the old value is still accepted" }
  elseif new_s == "refused" then
    out.b = { "FAIL", where .. ": after the change the new value is refused" }
  elseif old_s == "refused" and new_s == "accepted" then
    out.b = { "PASS", where .. ": after the change the old value is refused and the new one "
        .. "accepted" }
  else
    out.b = { "INCONCLUSIVE", where .. ": after the change the old value got " .. old_s
        .. ", the new one " .. new_s }
  end
  -- Back to the lab's value, so that the other test cases find it.
  local lost
  if new_s == "accepted" then
    local back, how = change(http, e, s, user, new, lab)
    local after = login_state(s, user, lab)
    if after ~= "accepted" then
      lost = "RESTORE FAILED: " .. where .. " now holds a password Assay set (masked in the "
          .. "evidence; the restore request " .. (back == nil and "got no answer: " or "answered ")
          .. lib.clip(tostring(how), 120) .. ", the lab's value is " .. after .. "): the lab "
          .. "must reset this credential on the device before any further test"
    else
      assay.log(where .. ": the lab's value is set again and accepted")
    end
  elseif old_s ~= "accepted" then
    lost = "RESTORE FAILED: " .. where .. ": neither the lab's value (" .. old_s .. ") nor "
        .. "the value Assay set (" .. new_s .. ") is accepted any more: the device may hold a "
        .. "password Assay set; the lab must reset this credential on the device before any "
        .. "further test"
  end
  return out, lost
end

-- Units a, b (TS 103 701): the lab changes each user authentication value
-- as documented (a) and checks the change worked: old value refused, new
-- one accepted (b).
--
-- Automatic where the IXIT declares a machine-usable change mechanism
-- (change-api-path and -body on the mechanism's http(s) service,
-- docs/facts.md): Assay draws a new value (assay.new_secret: masked in
-- everything the run writes), changes it with the lab credential of that
-- service, checks the old value refused and the new one accepted
-- (lib.login), then changes it back and checks the lab's value works
-- again.  a PASSes for a mechanism when the request succeeds as declared
-- and the new value works; FAILs when the lab's authenticated request is
-- refused or answers success while nothing changed.  b PASSes when the old
-- value is refused and the new one accepted, FAILs otherwise.  A restore
-- that fails is not the device's fault: INCONCLUSIVE on a, and every
-- reason says loudly that the device holds a password Assay set.
--
-- Looser than the text: TS 103 701 follows the user documentation
-- (2-UserInfo); Assay follows the IXIT's machine form of it.  Whether the
-- documentation tells a user the same is 5.1-4-1's (a person's) question.
--
-- Every other mechanism (SSH `passwd`, app-only, no lab credential) is a
-- person's: MANUAL_STEP_PENDING naming the declared observation and the
-- mechanisms.  The device can FAIL a first: a change-doc-url on the
-- device that answers 404/410.  Condition 8 with no user-auth mechanism
-- FAILs both (nothing to change).  change-supported=false is 5.1-4-1's
-- finding (nothing documented to perform here).
--
-- Changing a credential other test cases log in with: never beside the
-- credential test cases ("credentials") nor the client-side ones
-- ("gateway": 5.3-1-2, 5.3-2-2, 5.3-6-2 and 5.3-10-1 log in with the lab
-- credential to read the firmware version or the update settings).
testcase {
  id = "5.1-4-2",
  type = "functional",
  ixit = { "1-AuthMech", "2-UserInfo" },
  purpose = "Changing each user authentication value as documented makes the old value fail and the new one work.",
  exclusive = { "credentials", "gateway" },   -- changes the lab credential others log in with
  units = {
    a = {
      criterion = "The lab changes the authentication value of every user authentication mechanism by following the documented change procedure.",
      rule = "Declared change API: PASS iff the lab's request succeeds as declared and the new value works, else FAIL; a change-doc-url answering 404/410 FAILs; other mechanisms a person's.",
      observation = "change-credential",
      observe = "Change each user authentication value by following the declared change documentation, noting any step that does not work as written.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "After each change the old authentication value is refused and the new one is accepted.",
      rule = "Declared change API: PASS iff after the change the old value is refused and the new one accepted, else FAIL; other mechanisms a person's.",
      observation = "credential-after-change",
      observe = "After each change, log in with the old value (it must be refused) and with the new value (it must be accepted).",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("http_request"))
    -- Missing facts are 5.1-4-1's to report; here only which entries count.
    local facts = lib.ignored_units()
    local mechs = user_auth_entries(facts, "a")
    if #mechs == 0 and not facts:has("a") and assay.ics.conditions[8] then
      return units:stop("FAIL", "the ICS says users can authenticate (condition 8) but "
          .. "1-AuthMech declares no mechanism with user-auth=true: nothing to change as "
          .. "documented", lib.FACTS)
    end
    -- A mechanism declared change-supported=false has no documented change
    -- to perform: 5.1-4-1 FAILs the declaration; here it is only noted (a
    -- functional test case judges what the device does, not what the forms
    -- say).
    local none = {}
    for _, m in ipairs(mechs) do
      if lib.fact(m, "change-supported") == false then none[#none + 1] = m.id end
    end
    if #none > 0 then
      a.log("declared change-supported=false (judged by 5.1-4-1): " .. lib.join(none))
    end
    local http = lib.probe("http_request")
    for _, d in ipairs(change_docs()) do
      if d.url and http and lib.on_device(d.url) and lib.is_http_url(d.url) then
        local r = http({ url = d.url, max_read = 4096, follow = 0 })
        if r and (r.status == 404 or r.status == 410) then
          units:add("a", "FAIL", "the change documentation " .. d.url .. " answers HTTP "
              .. r.status, lib.probed("http_request", d.url))
        end
      end
    end
    -- Each mechanism with a declared change API is changed and checked by
    -- Assay; the others wait for a person.
    local manual, tried, checked = {}, 0, {}
    for _, e in ipairs(mechs) do
      local path = lib.fact(e, "change-api-path")
      local s, c = nil, nil
      if path then s, c = api_service(e) end
      if path == nil then
        manual[#manual + 1] = e.id
      elseif not http then
        manual[#manual + 1] = e.id .. " (change-api-path declared, no http_request probe)"
      elseif s == nil or c == nil then
        manual[#manual + 1] = e.id .. " (change-api-path declared, but the set-up has no lab "
            .. "credential for " .. (s and s.id or "its http(s) service") .. ")"
      else
        tried = tried + 1
        local out, gone = assess(http, e, s, c)
        local how = lib.probed("http_request, login", "a change, logins, the change back")
        for _, l in ipairs({ "a", "b" }) do
          local v, why = out[l][1], out[l][2]
          if gone then why = why .. "; " .. gone end
          units:add(l, v, why, how)
        end
        if gone then
          units:add("a", "INCONCLUSIVE", gone, how)
          a.log(gone)
        elseif out.a[1] == "PASS" and out.b[1] == "PASS" then
          checked[#checked + 1] = e.id
        end
      end
    end
    if #manual > 0 then
      local decl = {}
      for _, u in ipairs(assay.testcase.units or {}) do decl[u.letter] = u end
      for _, l in ipairs({ "a", "b" }) do
        units:add(l, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. decl[l].observation .. ": "
            .. decl[l].observe .. " (mechanisms " .. lib.join(manual)
            .. (#checked > 0 and ("; " .. lib.join(checked) .. " changed through the declared "
                .. "API, checked and changed back by Assay") or "") .. ")", lib.PERSON)
      end
    end
    if tried == 0 and #manual == 0 then
      return lib.manual(units, { "a", "b" })
    end
    return units:settle("changed through the declared API and back: " .. tried .. " mechanism"
        .. (tried == 1 and "" or "s"))
  end,
}
