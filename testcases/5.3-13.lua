-- Test group 5.3-13: the defined support period is published, clearly
-- and accessibly.
group "5.3-13"

local ITEM = "2-UserInfo"

-- The 2-UserInfo entry declaring the support period: entry, facts
-- (support-period-url, support-period-end) and the free texts.
local function declared()
  local first
  for _, e in ipairs(lib.entries(ITEM)) do
    if lib.fact(e, "support-period-url") or lib.fact(e, "support-period-end") then
      return e
    end
    if first == nil and (lib.field(e, "Publication of Support Period") or
        lib.field(e, "Support Period")) then first = e end
  end
  return first or lib.entries(ITEM)[1]
end

-- Unit a (TS 103 701): whether access to the published support period is
-- understandable for a user with limited technical knowledge (Annex D.3:
-- plain language, findable from what the user has, e.g. the model
-- designation, a period a user can read without interpretation).
--
-- A person's judgement: the PASS side is always REVIEW_PENDING, naming the
-- questions of Annex D.3 and quoting the declared route and period; when
-- support-period-url is on the device, Assay fetches it and quotes what the
-- page shows (evidence support-period.txt), so the assessor judges the text
-- a user would read.  A page that cannot be fetched is noted in the
-- question, not judged here (5.3-13-2 judges access).  FAIL only on facts
-- and missing information: neither a support-period-url nor a
-- "Publication of Support Period" text (or only a placeholder); no period
-- at all (support-period-end absent and "Support Period" empty or a
-- placeholder).  support-period-end absent with a text -> IXIT_MISSING
-- (quoting the text).  Stricter than the text: a declared end date is
-- required as a fact (a period "5 years from purchase" stays open until
-- the facts state the end); looser: none.
local function page_excerpt(url)
  if not (url and lib.on_device(url) and lib.is_http_url(url)) then return nil end
  local v, why, r = lib.check_public(url, "support-period.txt")
  if v ~= "PASS" then return "the page could not be read as a user would (" .. why .. ")" end
  local text = lib.visible_text(r.body):sub(1, 4096):gsub("%s+", " ")
  return "the page shows " .. lib.quote(text, 400)
end

testcase {
  id = "5.3-13-1",
  type = "conceptual",
  ixit = { "2-UserInfo" },
  purpose = "The published support period is easy to find and understand for a user with limited technical knowledge.",
  units = {
    a = {
      criterion = "A user with little technical background can reach and make sense of the published support period.",
      rule = "No publication or no period declared FAILs; an absent end date is IXIT_MISSING; otherwise the assessor judges the route and the page text (Annex D.3).",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e = declared()
    local url, fin = lib.fact(e, "support-period-url"), lib.fact(e, "support-period-end")
    local pub = e and lib.field(e, "Publication of Support Period")
    local period = e and lib.field(e, "Support Period")
    if url == nil and (pub == nil or lib.is_placeholder(pub)) then
      units:add("a", "FAIL", "no publication of the support period declared "
          .. "(support-period-url absent, \"Publication of Support Period\" "
          .. (pub and lib.quote(pub, 40) or "empty") .. ")", pub and lib.TEXT or lib.FACTS)
    end
    if fin == nil then
      if period == nil or lib.is_placeholder(period) then
        units:add("a", "FAIL", "no support period defined (support-period-end absent, "
            .. "\"Support Period\" " .. (period and lib.quote(period, 40) or "empty") .. ")",
            period and lib.TEXT or lib.FACTS)
      else
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "support-period-end")
            .. " (text: " .. lib.quote(period) .. ")")
      end
    end
    if assay.unit_verdict() ~= "FAIL" then
      local shown = page_excerpt(url)
      lib.review(units, "a", "judge by Annex D.3 whether a user with limited technical "
          .. "knowledge (1) finds the support period from what they have (the model "
          .. "designation, the box, the manual), (2) reads it without interpretation as an "
          .. "end date or a period, and (3) sees which software it covers; the declared "
          .. "route: " .. (url and ("support-period-url=" .. url .. " ") or "")
          .. (pub and lib.quote(pub) or "")
          .. (fin and (", declared end " .. fin) or "")
          .. (period and (", \"Support Period\" " .. lib.quote(period)) or "")
          .. (shown and ("; " .. shown) or ""))
    end
    return units:settle("support period publication declared")
  end,
}

local months = { "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december" }

-- The ways a page may write the date YYYY-MM-DD (plain strings, found
-- with plain finds only).  A bare year ("2024", "Copyright 2024") is never
-- one of them.
local function date_forms(iso)
  local y, m, d = tostring(iso):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return {} end
  local mi, di = tonumber(m), tonumber(d)
  local mon = months[mi]
  if not mon then return {} end
  return {
    iso, d .. "." .. m .. "." .. y, di .. "." .. mi .. "." .. y, d .. "/" .. m .. "/" .. y,
    m .. "/" .. d .. "/" .. y, mon .. " " .. di .. ", " .. y, mon .. " " .. di .. " " .. y,
    di .. " " .. mon .. " " .. y, di .. ". " .. mon .. " " .. y,
  }
end

-- Units (TS 103 701): a) the declared route to the support period works
-- as described; b) it needs no registration or other restriction; c) the
-- published period is the one declared.
--
-- a, b: Assay fetches the declared support-period-url on the device
-- (lib.fetch_public: PASS only for a 2xx page without login form, not
-- empty; FAIL for 4xx/5xx, a redirect off the device or to a login page,
-- a login form, an empty page).  Without the fact, a URL in the free text
-- is fetched to FAIL only (IXIT_MISSING otherwise).
-- c: PASS when the page states the declared support-period-end date (in
-- one of the usual spellings, plain match); a bare year or "Copyright
-- 2024" never counts.  The date not found -> REVIEW_PENDING (the page may
-- word the period otherwise), quoting the declared end; no fact ->
-- IXIT_MISSING.
testcase {
  id = "5.3-13-2",
  type = "functional",
  ixit = { "2-UserInfo" },
  purpose = "The documented route leads, without registration, to a page stating the support period.",
  units = {
    a = {
      criterion = "The user information on how to reach the support period publication is provided as the IXIT describes.",
      rule = "The declared support-period-url is fetched from the device; a refusal, login wall or empty page FAILs.",
      observation = "support-period-route",
      observe = "Follow the documented route to the support period (manual, packaging, website) as a user would and record where it leads.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "The support period publication can be read without restrictions such as prior registration.",
      rule = "The page at support-period-url answers 2xx without credentials, with no login form, and is not empty.",
      decided = "automatic",
      reach = "network",
    },
    c = {
      criterion = "The published support period defines the period for the updatable software components as the IXIT declares.",
      rule = "The fetched page states the declared support-period-end date.",
      decided = "automatic+assessor",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e = declared()
    local url = lib.fact(e, "support-period-url")
    local fin = lib.fact(e, "support-period-end")
    local pub = e and lib.field(e, "Publication of Support Period")
    local from_text = false
    if url == nil then
      url = lib.url(pub)
      from_text = url ~= nil
      if url == nil then
        return units:stop("INCONCLUSIVE", lib.missing(ITEM, e, "support-period-url")
            .. (pub and (" (text: " .. lib.quote(pub) .. ")") or ""))
      end
    end
    local v, why, r = lib.check_public(url, "support-period.txt")
    units.how = lib.probed("http_request", url)
    if from_text and v ~= "FAIL" then
      return units:stop("INCONCLUSIVE", lib.missing(ITEM, e, "support-period-url")
          .. " (the URL in the text, " .. url .. ", gave: " .. why .. ")", lib.FACTS)
    end
    if v == "FAIL" then
      local unreachable = why:find("HTTP 4", 1, true) or why:find("HTTP 5", 1, true)
      units:add(unreachable and "a" or "b", "FAIL", "the support period page " .. why)
      return units:stop("INCONCLUSIVE", "not examined: the support period page " .. why)
    elseif v == "INCONCLUSIVE" then
      return units:stop("INCONCLUSIVE", why)
    end
    units:add("a", "PASS", "the declared route " .. url .. " leads to a page")
    units:add("b", "PASS", why)
    if fin == nil then
      units:add("c", "INCONCLUSIVE", lib.missing(ITEM, e, "support-period-end"), lib.FACTS)
    else
      local text = lib.visible_text(r.body):lower():gsub("%s+", " ")
      local hit
      for _, f in ipairs(date_forms(fin)) do
        if text:find(f, 1, true) then hit = f; break end
      end
      if hit then
        units:add("c", "PASS", "the page states the declared end of support " .. fin
            .. " (as \"" .. hit .. "\"; rule: the declared support-period-end appears on "
            .. "the page)")
      else
        lib.review(units, "c", "the page at " .. url .. " (evidence support-period.txt) does "
            .. "not state the declared end " .. fin .. " in a usual date form: judge whether it "
            .. "defines the support period declared as " .. lib.quote(lib.field(e, "Support Period")
            or fin))
      end
    end
    return units:settle("support period published openly at " .. url .. " as declared")
  end,
}
