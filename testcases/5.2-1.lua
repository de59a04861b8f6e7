-- Test group 5.2-1: a published vulnerability disclosure policy with a
-- contact and timelines for acknowledgement and status updates.
group "5.2-1"

local ITEM = "2-UserInfo"
local FIELD = "Publication of Vulnerability Disclosure Policy"

-- The 2-UserInfo entry declaring the publication: entry, vdp-url fact,
-- free text.  The first entry with the fact wins, else the first with text.
local function publication()
  local first
  for _, e in ipairs(lib.entries(ITEM)) do
    if lib.fact(e, "vdp-url") then return e, lib.fact(e, "vdp-url"), lib.field(e, FIELD) end
    if first == nil and lib.field(e, FIELD) then first = e end
  end
  if first then return first, nil, lib.field(first, FIELD) end
  return lib.entries(ITEM)[1], nil, nil
end

-- Words that, in the manufacturer's own text, hint at an access barrier:
-- they only turn a fact-based PASS into REVIEW_PENDING (never FAIL).
local walls = { "login", "log in", "sign in", "account", "registration", "register",
    "customer portal", "members only", "password", "nda", "on request" }

-- Unit a (TS 103 701): anybody can access the publication described,
-- without meeting criteria such as an account.
--
-- Rules: vdp-url is an absolute http(s) URL -> PASS (rule: a URL anybody
-- can request; 5.2-1-2 fetches it and FAILs a login wall) -- unless the
-- free text names an access barrier ("account", "login", "on request"
-- ...), then REVIEW_PENDING quoting it.  No vdp-url: a text that is empty
-- or a placeholder ("none", "TBD" ...) -> FAIL (no publication declared);
-- other text -> IXIT_MISSING:2-UserInfo/<entry>/vdp-url, quoting the text.
testcase {
  id = "5.2-1-1",
  type = "conceptual",
  ixit = { "2-UserInfo" },
  purpose = "The vulnerability disclosure policy is published where anyone can read it without an account.",
  units = {
    a = {
      criterion = "Anyone can read the published vulnerability disclosure policy without an account or similar barrier.",
      rule = "PASS when vdp-url is an http(s) URL and the publication text names no access barrier; no publication declared FAILs.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e, url, text = publication()
    if url == nil then
      if text == nil or lib.is_placeholder(text) then
        units:add("a", "FAIL", "no published disclosure policy declared (vdp-url absent, \""
            .. FIELD .. "\" " .. (text and lib.quote(text, 40) or "empty") .. ")",
            text and lib.TEXT or lib.FACTS)
      else
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "vdp-url") .. " (text: "
            .. lib.quote(text, 160) .. ")")
      end
      return units:settle("")
    end
    if not tostring(url):lower():find("^https?://") then
      lib.review(units, "a", e.id .. ": vdp-url=" .. lib.clip(url) .. " is not a web address: "
          .. "judge whether anybody can reach it without an account")
    else
      local w = lib.mentions(text, walls)
      if w then
        lib.review(units, "a", e.id .. ": vdp-url=" .. url .. ", but the text mentions \"" .. w
            .. "\": judge whether access needs an account: " .. lib.quote(text, 200))
      else
        lib.fact_pass(units, "a", e, { "Publication of Vulnerability Disclosure Policy" },
            e.id .. ": vdp-url=" .. url .. " (rule: an http(s) URL anybody "
            .. "can request; 5.2-1-2 fetches it)")
      end
    end
    return units:settle("the disclosure policy is published at a public URL")
  end,
}

-- Timeline hints for the assessor: durations ("5 business days", "48
-- hours") within 200 bytes of a keyword; plain finds, bounded windows.
local function timeline_hints(text, word)
  local t, out, i = text:sub(1, 262144):lower(), {}, 1
  while #out < 3 do
    local at = t:find(word, i, true)
    if at == nil then break end
    local window = t:sub(at, at + 200)
    local d = window:match("(%d+%s*[%a%-]*%s*[%a]*)")
    if d and (d:find("day", 1, true) or d:find("hour", 1, true) or d:find("week", 1, true)
        or d:find("month", 1, true)) then
      out[#out + 1] = "\"" .. d:gsub("%s+", " ") .. "\""
    end
    i = at + #word
  end
  return out
end

-- Unit a (TS 103 701): the policy is publicly accessible as described.
-- Assay fetches the declared vdp-url on the device; PASS only for a 2xx
-- page without a login form that is not empty; FAIL for 4xx/5xx, a
-- redirect off the device or to a login page, a login form, an empty page
-- (lib.fetch_public).  Without a vdp-url fact, a URL in the free text is
-- still fetched, but may only FAIL (a 404 at the stated address is a fact
-- of the device); its PASS waits for the fact (IXIT_MISSING).
-- Unit b: the policy has contact information and timelines for
-- acknowledgement and status updates.  With the facts vdp-contact,
-- vdp-ack-time and vdp-status-time (what the IXIT says the policy states,
-- word for word): the fetched page stating all three (case and blanks
-- aside, never inside a longer word or number) PASSes by probe and facts;
-- the declared contact absent from it FAILs (the published policy does
-- not give the contact the IXIT promises); a timeline not found waits
-- for a person, who reads the page (a timeline may be worded otherwise,
-- the note allows "quickly": wording is never judged by keywords).  No
-- facts: REVIEW_PENDING quoting the contacts and durations Assay found as
-- hints (a page saying "we do not run a disclosure programme" must not
-- PASS on keywords).  A policy off the device: a person opens it.
-- Looser than the text: a page stating the declared phrases is taken to
-- be the policy with its contact and timelines (unit a establishes it is
-- the declared publication; 5.2-1-1 and the ICS that the page is one).
testcase {
  id = "5.2-1-2",
  type = "functional",
  ixit = { "2-UserInfo" },
  purpose = "The published disclosure policy is reachable without login and has a contact and acknowledgement and status-update timelines.",
  units = {
    a = {
      criterion = "The vulnerability disclosure policy is publicly reachable where the IXIT says it is published.",
      rule = "The page at vdp-url on the device answers 2xx without credentials, with no login form, and is not empty; a refusal, login wall or empty page FAILs.",
      observation = "vdp-page",
      observe = "When the policy is not on the device, open the declared URL without an account and record whether it shows the policy.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "The policy gives contact information and timelines for acknowledging reports and for status updates.",
      rule = "PASS iff the fetched policy states vdp-contact, vdp-ack-time and vdp-status-time word for word; the declared contact absent FAILs; otherwise a person reads the page.",
      decided = "automatic+assessor",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e, url, text = publication()
    local from_text = false
    if url == nil then
      url = lib.url(text)
      from_text = url ~= nil
      if url == nil then
        return units:stop("INCONCLUSIVE", lib.missing(ITEM, e, "vdp-url")
            .. (text and (" (text: " .. lib.quote(text) .. ")") or ""))
      end
    end
    local v, why, r = lib.check_public(url, "policy.txt")
    units.how = lib.probed("http_request", url)
    if from_text and v ~= "FAIL" then
      units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "vdp-url") .. " (the URL in the text, "
          .. url .. ", gave: " .. why .. ")", lib.FACTS)
    else
      units:add("a", v, v == "FAIL" and ("the disclosure policy at " .. why) or why)
    end
    local contact, ack, upd = lib.fact(e, "vdp-contact"), lib.fact(e, "vdp-ack-time"),
        lib.fact(e, "vdp-status-time")
    local function declared(v)
      return v and (" (declared: " .. lib.quote(v, 80) .. ")") or ""
    end
    local wants = "a contact" .. declared(contact) .. " and timelines for acknowledging "
        .. "reports" .. declared(ack) .. " and for status updates" .. declared(upd)
    if r then
      local body = lib.visible_text(r.body)
      local missing = {}
      if contact and not lib.states(body, contact) then
        units:add("b", "FAIL", "the policy at " .. url .. " (evidence policy.txt) does not give "
            .. "the declared contact " .. lib.quote(contact, 80) .. " (vdp-contact)",
            lib.probed("http_request", url))
      end
      for _, f in ipairs({ { "vdp-ack-time", ack }, { "vdp-status-time", upd } }) do
        if f[2] and not lib.states(body, f[2]) then
          missing[#missing + 1] = f[1] .. " " .. lib.quote(f[2], 80)
        end
      end
      if contact and ack and upd and #missing == 0 then
        units:add("b", "PASS", "the policy at " .. url .. " states the declared contact "
            .. lib.quote(contact, 80) .. ", acknowledgement timeline " .. lib.quote(ack, 80)
            .. " and status-update timeline " .. lib.quote(upd, 80) .. " (rule: each "
            .. "declared fact appears on the fetched page word for word)",
            lib.probed("http_request", url))
      else
        local mails = lib.emails(body)
        local hints = {}
        if #mails > 0 then hints[#hints + 1] = "contacts found: " .. table.concat(mails, ", ") end
        local acks = timeline_hints(body, "acknowledg")
        if #acks > 0 then
          hints[#hints + 1] = "near \"acknowledg\": " .. table.concat(acks, ", ")
        end
        local upds = timeline_hints(body, "update")
        if #upds > 0 then hints[#hints + 1] = "near \"update\": " .. table.concat(upds, ", ") end
        local absent = {}
        for _, f in ipairs({ { "vdp-contact", contact }, { "vdp-ack-time", ack },
            { "vdp-status-time", upd } }) do
          if f[2] == nil then absent[#absent + 1] = f[1] end
        end
        lib.review(units, "b", "read the page at " .. url .. " (evidence policy.txt) and judge "
            .. "whether it is a vulnerability disclosure policy that names " .. wants
            .. (#missing > 0 and ("; the page does not state " .. lib.join(missing)
                .. " word for word") or "")
            .. (#absent > 0 and ("; not declared: " .. lib.join(absent)) or "")
            .. (#hints > 0 and (" (Assay saw " .. table.concat(hints, "; ") .. ")") or
                " (Assay found no e-mail address or durations on it)")
            .. ": " .. lib.quote((body:gsub("%s+", " ")), 400))
      end
    elseif not lib.on_device(url) then
      lib.review(units, "b", "the policy is not on the device: open " .. url .. " without an "
          .. "account and judge whether it names " .. wants)
    else
      units:add("b", "INCONCLUSIVE", "not examined: the policy could not be read at " .. url
          .. " (unit a)")
    end
    return units:settle("the disclosure policy is public at " .. url)
  end,
}
