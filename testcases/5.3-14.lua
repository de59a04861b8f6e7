-- Test group 5.3-14: a device that cannot be updated publishes why, and
-- how and for how long its hardware will be replaced.  The provision
-- applies only where the ICS says so (conditions 3 or 4); the engine
-- decides that, never these test cases.
group "5.3-14"

local ITEM = "2-UserInfo"
local NONUPD = "Publication of Non-Updatable"
local REPL = "Documentation of Replacement"

-- The first http(s) URL of a free text, without the punctuation that
-- closes the sentence around it ("... title (https://host/)." ).
local function url_in(text)
  local u = lib.url(text)
  if u == nil then return nil end
  return (u:gsub("[%)%]%.,;:!%?'\"]+$", ""))
end

-- The 2-UserInfo entry that answers the two fields (the first one naming
-- either), else the first entry (nil when the item is empty).
local function declared()
  for _, e in ipairs(lib.entries(ITEM)) do
    if lib.field(e, NONUPD) or lib.field(e, REPL) then return e end
  end
  return lib.entries(ITEM)[1]
end

-- Unit a (TS 103 701): whether the way to the rationale for having no
-- updates and to the hardware replacement plan is understandable for a user
-- with limited technical knowledge (Annex D.3).
--
-- Rules: an empty 2-UserInfo, or a field absent or a placeholder, FAILs
-- (the provision applies, so both publications must exist: missing
-- information, not a judgement).  Otherwise REVIEW_PENDING with Annex
-- D.3's questions and both texts quoted.  Never PASS from the wording.
testcase {
  id = "5.3-14-1",
  type = "conceptual",
  ixit = { "2-UserInfo" },
  purpose = "The rationale for having no updates and the hardware replacement plan are published understandably for a non-technical user.",
  units = {
    a = {
      criterion = "A user with little technical background can reach and make sense of why there are no updates and of the hardware replacement support.",
      rule = "Either publication absent or a placeholder FAILs; otherwise the assessor judges both by Annex D.3.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e = declared()
    if e == nil then
      return units:stop("FAIL", "2-UserInfo is empty although 5.3-14 applies: no rationale "
          .. "for the absence of updates and no replacement plan declared")
    end
    local nonupd, repl = lib.field(e, NONUPD), lib.field(e, REPL)
    for _, f in ipairs({ { NONUPD, nonupd }, { REPL, repl } }) do
      if f[2] == nil then
        units:add("a", "FAIL", e.id .. ": \"" .. f[1] .. "\" absent: nothing published to judge")
      elseif lib.is_placeholder(f[2]) then
        units:add("a", "FAIL", e.id .. ": \"" .. f[1] .. "\" is a placeholder "
            .. lib.quote(f[2], 40), lib.TEXT)
      end
    end
    if not units:has("a") then
      lib.review(units, "a", "judge by Annex D.3 whether a user with limited technical "
          .. "knowledge finds and understands (1) why the device gets no software updates "
          .. "and (2) for how long and how its hardware will be replaced; \"" .. NONUPD
          .. "\" " .. lib.quote(nonupd, 240) .. "; \"" .. REPL .. "\" " .. lib.quote(repl, 240))
    end
    return units:settle("rationale and replacement plan published")
  end,
}

-- Unit c or d from declared phrases (facts) on a fetched page: all stated
-- -> PASS by probe and facts; a phrase not found, or none declared, -> a
-- person reads the page (a reason or a plan may be worded otherwise than
-- the IXIT quotes it: never a FAIL from wording).
local function declared_on(units, letter, page, facts, ask)
  local found, notfound, absent = {}, {}, {}
  for _, f in ipairs(facts) do
    if f[2] == nil then absent[#absent + 1] = f[1]
    elseif lib.states(page.text, f[2]) then
      found[#found + 1] = f[1] .. " " .. lib.quote(f[2], 80)
    else
      notfound[#notfound + 1] = f[1] .. " " .. lib.quote(f[2], 80)
    end
  end
  if #absent == 0 and #notfound == 0 then
    units:add(letter, "PASS", "the page at " .. page.url .. " states " .. lib.join(found)
        .. " (rule: each declared fact appears on the fetched page word for word)",
        lib.probed("http_request", page.url))
    return
  end
  lib.review(units, letter, "judge whether the page at " .. page.url .. " (evidence "
      .. page.evidence .. ") " .. ask
      .. (#notfound > 0 and ("; it does not state " .. lib.join(notfound) .. " word for word")
          or "")
      .. (#absent > 0 and ("; not declared: " .. lib.join(absent)) or "")
      .. ": " .. lib.quote(page.text, 400))
end

local months = { "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december" }

-- The usual spellings of an ISO date (plain strings for plain finds).
local function date_forms(iso)
  local y, m, d = tostring(iso):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y or not months[tonumber(m)] then return {} end
  local mi, di, mon = tonumber(m), tonumber(d), months[tonumber(m)]
  return { iso, d .. "." .. m .. "." .. y, di .. "." .. mi .. "." .. y, d .. "/" .. m .. "/" .. y,
    m .. "/" .. d .. "/" .. y, mon .. " " .. di .. ", " .. y, di .. " " .. mon .. " " .. y }
end

-- Units (TS 103 701): a) the declared way to both publications works as
-- described; b) they are readable without restriction (no registration);
-- c) the non-updatable publication gives the rationale; d) the replacement
-- publication gives the period and the method of hardware replacement;
-- e) the non-updatable publication states a defined support period.
--
-- There is no structured fact for the routes to these two publications:
-- the URL is the first http(s) URL of each field.  A URL on the device is
-- fetched (lib.check_public: PASS for a 2xx page without login form, not
-- empty; FAIL for 4xx/5xx, a login wall, an empty page); a text without a
-- URL or a URL elsewhere is MANUAL_STEP_PENDING (the declared observation)
-- for a, b and e, REVIEW_PENDING for c and d (a person reads the
-- publication).  a and b PASS only from the fetch of both pages.  c: PASS
-- when the rationale page states the declared non-update-reason word for
-- word (case and blanks aside, not inside a longer word or number); d:
-- PASS when the replacement page states both replacement-period and
-- replacement-method so; a declared phrase not found there, or a fact
-- not declared, is REVIEW_PENDING quoting the page (a reason or a plan
-- may be worded otherwise than the IXIT quotes it: Assay does not FAIL
-- prose on wording; the facts are phrases, not values such as 5.2-1-2's
-- contact).  Looser than the text: a page stating the declared reason is
-- taken to give the rationale (the ICS and 5.3-14-1 say it is one; whether
-- it is understandable is 5.3-14-1's).  e: PASS when the rationale
-- page states the declared support-period-end date in a usual spelling;
-- otherwise REVIEW_PENDING (no fact: IXIT_MISSING).  A field absent ->
-- IXIT_MISSING, a placeholder -> FAIL.  Looser than the text: a URL read
-- from the free text is trusted as the declared route (the IXIT has no fact
-- for it); stricter: a page off the device is never taken on trust.
testcase {
  id = "5.3-14-2",
  type = "functional",
  ixit = { "2-UserInfo" },
  purpose = "The documented routes lead, without registration, to the rationale for no updates and to the hardware replacement plan.",
  units = {
    a = {
      criterion = "The user information on how to reach the rationale and the replacement support publications is provided as the IXIT describes.",
      rule = "Each declared URL on the device is fetched; a refusal, login wall or empty page FAILs; no URL: a person follows the route.",
      observation = "non-updatable-route",
      observe = "Follow the documented routes to the rationale for no updates and to the hardware replacement plan as a user would and record where they lead.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "Both publications can be read without restrictions such as prior registration.",
      rule = "Both pages answer 2xx without credentials, with no login form, and are not empty.",
      observation = "non-updatable-access",
      observe = "Open both publications without an account or registration and record whether anything stands in the way.",
      decided = "automatic+observation",
      reach = "network",
    },
    c = {
      criterion = "The non-updatable publication gives the reason why the software is not updated.",
      rule = "PASS iff the fetched page states the declared non-update-reason word for word; otherwise the assessor reads the page.",
      decided = "automatic+assessor",
      reach = "network",
    },
    d = {
      criterion = "The replacement publication gives the period and the method of hardware replacement support.",
      rule = "PASS iff the fetched page states the declared replacement-period and replacement-method word for word; otherwise the assessor reads it.",
      decided = "automatic+assessor",
      reach = "network",
    },
    e = {
      criterion = "The non-updatable publication states a defined support period.",
      rule = "PASS iff the page states the declared support-period-end; otherwise the assessor reads it.",
      observation = "non-updatable-period",
      observe = "Read the non-updatable publication and record the support period it states.",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e = declared()
    if e == nil then
      return units:stop("INCONCLUSIVE", lib.missing(ITEM, nil, NONUPD))
    end
    local fin = lib.fact(e, "support-period-end")
    local pages, manual = {}, {}
    for _, f in ipairs({ { NONUPD, "non-updatable.txt" }, { REPL, "replacement.txt" } }) do
      local text = lib.field(e, f[1])
      if text == nil then
        return units:stop("INCONCLUSIVE", lib.missing(ITEM, e, f[1]))
      elseif lib.is_placeholder(text) then
        units:add("a", "FAIL", "\"" .. f[1] .. "\" is a placeholder " .. lib.quote(text, 40),
            lib.TEXT)
        return units:stop("INCONCLUSIVE", "not examined: \"" .. f[1] .. "\" declares no route")
      end
      local url = url_in(text)
      if url == nil or not lib.on_device(url) then
        manual[#manual + 1] = "\"" .. f[1] .. "\" " .. lib.quote(text, 160)
      else
        local v, why, r = lib.check_public(url, f[2])
        local how = lib.probed("http_request", url)
        if v == "FAIL" then
          local unreachable = why:find("HTTP 4", 1, true) or why:find("HTTP 5", 1, true)
          units:add(unreachable and "a" or "b", "FAIL", "\"" .. f[1] .. "\": " .. why, how)
          return units:stop("INCONCLUSIVE", "not examined: the page of \"" .. f[1] .. "\" "
              .. why, how)
        elseif v ~= "PASS" then
          return units:stop("INCONCLUSIVE", why, how)
        end
        pages[f[1]] = { url = url, why = why, evidence = f[2],
            text = lib.visible_text(r.body):sub(1, 65536):gsub("%s+", " ") }
      end
    end
    if #manual > 0 then
      local note = "no URL on the device for " .. lib.join(manual)
      lib.review(units, "c", "open the publication of \"" .. NONUPD .. "\" as a user would "
          .. "and judge whether it gives the reason the software is not updated ("
          .. note .. ")")
      lib.review(units, "d", "open the publication of \"" .. REPL .. "\" as a user would "
          .. "and judge whether it states the period and the method of hardware replacement ("
          .. note .. ")")
      return lib.manual(units, { "a", "b", "e" }, note)
    end
    local np, rp = pages[NONUPD], pages[REPL]
    for _, l in ipairs({ "a", "b" }) do
      units:add(l, "PASS", l == "a" and ("both declared routes lead to a page (" .. np.url
          .. ", " .. rp.url .. ")") or (np.why .. "; " .. rp.why),
          lib.probed("http_request", "2 pages"))
    end
    declared_on(units, "c", np, { { "non-update-reason", lib.fact(e, "non-update-reason") } },
        "gives the reason the software is not updated")
    declared_on(units, "d", rp, { { "replacement-period", lib.fact(e, "replacement-period") },
        { "replacement-method", lib.fact(e, "replacement-method") } },
        "states the period and the method of hardware replacement")
    if fin == nil then
      units:add("e", "INCONCLUSIVE", lib.missing(ITEM, e, "support-period-end"))
    else
      local low, hit = np.text:lower(), nil
      for _, f in ipairs(date_forms(fin)) do
        if low:find(f, 1, true) then hit = f; break end
      end
      if hit then
        units:add("e", "PASS", "the rationale page states the declared end of support " .. fin
            .. " (as \"" .. hit .. "\"; rule: the declared support-period-end appears on the "
            .. "page)", lib.probed("http_request", np.url))
      else
        lib.review(units, "e", "the page at " .. np.url .. " does not state the declared end "
            .. fin .. " in a usual date form: judge whether it defines a support period")
      end
    end
    return units:settle("rationale and replacement plan published openly as declared")
  end,
}
