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

-- Units a, b (TS 103 701): the lab changes each user authentication value
-- as documented (a) and checks the change worked: old value rejected, new
-- one accepted (b).  A person performs the change: both units are
-- MANUAL_STEP_PENDING naming the declared observation (change-credential,
-- credential-after-change) until `assay review` records the assessor's
-- judgement.  The device can FAIL a first: a change-doc-url on the device
-- that answers 404/410 (b stays the person's).  Condition 8 with no
-- user-auth mechanism FAILs both (nothing to change).  change-supported=
-- false is 5.1-4-1's finding (nothing documented to perform here).
testcase {
  id = "5.1-4-2",
  type = "functional",
  ixit = { "1-AuthMech", "2-UserInfo" },
  purpose = "Changing each user authentication value as documented makes the old value fail and the new one work.",
  units = {
    a = {
      criterion = "The lab changes the authentication value of every user authentication mechanism by following the documented change procedure.",
      rule = "A change-doc-url on the device answering 404 or 410 FAILs; performing the change is a person's.",
      observation = "change-credential",
      observe = "Change each user authentication value by following the declared change documentation, noting any step that does not work as written.",
      decided = "observation",
      reach = "network",
    },
    b = {
      criterion = "After each change the old authentication value is refused and the new one is accepted.",
      observation = "credential-after-change",
      observe = "After each change, log in with the old value (it must be refused) and with the new value (it must be accepted).",
      decided = "observation",
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
    for _, e in ipairs(mechs) do
      if lib.fact(e, "change-supported") == false then none[#none + 1] = e.id end
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
    -- A documentation that is gone FAILs a; b (the old value refused, the
    -- new one accepted) is still the person's to observe.
    local ids = {}
    for _, m in ipairs(mechs) do ids[#ids + 1] = m.id end
    return lib.manual(units, { "a", "b" }, #ids > 0 and ("mechanisms " .. lib.join(ids)) or nil)
  end,
}
