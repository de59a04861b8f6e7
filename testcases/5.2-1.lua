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
-- acknowledgement and status updates.  Reading a page for that is a
-- person's judgement: REVIEW_PENDING, quoting the contacts and durations
-- Assay found as hints (a page saying "we do not run a disclosure
-- programme" must not PASS on keywords).
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
      observation = "vdp-content",
      observe = "Read the fetched policy and confirm it names a contact and timelines for acknowledgement of receipt and for status updates.",
      decided = "assessor+observation",
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
    if r then
      local body = lib.visible_text(r.body)
      local mails = lib.emails(body)
      local hints = {}
      if #mails > 0 then hints[#hints + 1] = "contacts found: " .. table.concat(mails, ", ") end
      local ack = timeline_hints(body, "acknowledg")
      if #ack > 0 then hints[#hints + 1] = "near \"acknowledg\": " .. table.concat(ack, ", ") end
      local upd = timeline_hints(body, "update")
      if #upd > 0 then hints[#hints + 1] = "near \"update\": " .. table.concat(upd, ", ") end
      lib.review(units, "b", "read the page at " .. url .. " (evidence policy.txt) and judge "
          .. "whether it is a vulnerability disclosure policy that names a contact and "
          .. "timelines for acknowledging reports and for status updates"
          .. (#hints > 0 and (" (Assay saw " .. table.concat(hints, "; ") .. ")") or
              " (Assay found no e-mail address or durations on it)"))
    else
      units:add("b", "INCONCLUSIVE", "not examined: the policy could not be read at " .. url
          .. " (unit a)")
    end
    return units:settle("the disclosure policy is public at " .. url)
  end,
}
