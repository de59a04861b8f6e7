-- Test group 5.2-1: a published vulnerability disclosure policy with a
-- contact and timelines for acknowledgement and status updates.
group "5.2-1"

local walls = { "login", "log in", "sign in", "account", "registration", "register",
    "customer portal", "members only", "password" }

-- The declared publication of the policy (2-UserInfo), with its entry.
local function publication()
  for _, e in ipairs(lib.entries("2-UserInfo")) do
    local p = lib.field(e, "Publication of Vulnerability Disclosure Policy")
    if p then return p, e end
  end
  return nil
end

testcase {
  id = "5.2-1-1",
  type = "conceptual",
  ixit = { "2-UserInfo" },
  purpose = "The vulnerability disclosure policy is published where anyone can read it without an account.",
  run = function(a)
    local p = publication()
    if p == nil then
      a.unit("a", "INCONCLUSIVE", "IXIT_MISSING:2-UserInfo/-/Publication of Vulnerability Disclosure Policy")
      return inconclusive("the IXIT does not say where the disclosure policy is published")
    end
    if lib.is_none(p) then
      a.unit("a", "FAIL", "no disclosure policy is published")
      return fail("the IXIT declares no published vulnerability disclosure policy")
    end
    local w = lib.mentions(p, walls)
    if w then
      a.unit("a", "FAIL", "publication requires \"" .. w .. "\": " .. p)
      return fail("the disclosure policy is not public: its publication mentions \"" .. w .. "\"")
    end
    a.unit("a", "PASS", "published: " .. p)
    return pass("the disclosure policy is published publicly: " .. p)
  end,
}

-- Text checks on the fetched policy (RFC 9116 security.txt or a web page).
local function has_contact(body)
  return body:find("[%w%._%-]+@[%w%._%-]+%.%a%a+") ~= nil or
      body:lower():find("contact:%s*%S") ~= nil or
      body:lower():find("mailto:") ~= nil
end

-- A number followed by a unit of time ("5 business days", "48 hours").
local function states_duration(text)
  for _, rest in text:gmatch("(%d+)([%s%-%a]*)") do
    if rest:find("day") or rest:find("hour") or rest:find("week") or rest:find("month") then
      return true
    end
  end
  return false
end

-- Whether one of `words` occurs with a duration close by.
local function has_timeline(body, words)
  local t = body:lower()
  for _, w in ipairs(words) do
    local i = t:find(w, 1, true)
    while i do
      if states_duration(t:sub(math.max(1, i - 120), i + 160)) then
        return true
      end
      i = t:find(w, i + 1, true)
    end
  end
  return false
end

testcase {
  id = "5.2-1-2",
  type = "functional",
  ixit = { "2-UserInfo" },
  purpose = "The published disclosure policy is reachable without login and has a contact and acknowledgement and status-update timelines.",
  run = function(a)
    local p = publication()
    local url = lib.url(p)
    if url == nil then
      return inconclusive("MANUAL_STEP_PENDING: the policy's publication (\"" .. tostring(p)
          .. "\") is not a URL Assay can fetch; an assessor must read it")
    end
    local http, why = lib.probe("http_request")
    if not http then return inconclusive(why) end
    local r, err = http({ url = url, follow = 5, max_body = 256 * 1024 })
    if not r then
      return inconclusive("DUT_UNREACHABLE: fetching " .. url .. " failed: " .. err)
    end
    a.evidence("policy.txt", r.body or "")
    if r.status == 401 or r.status == 403 then
      a.unit("a", "FAIL", url .. " answered " .. r.status .. " without credentials")
      return fail("the disclosure policy at " .. url .. " is behind authentication (HTTP "
          .. r.status .. ")")
    elseif r.status ~= 200 then
      a.unit("a", "FAIL", url .. " answered HTTP " .. r.status)
      return fail("the disclosure policy at " .. url .. " is not published (HTTP " .. r.status .. ")")
    end
    a.unit("a", "PASS", "fetched " .. url .. " without credentials (HTTP 200, "
        .. #r.body .. " bytes)")
    local body, missing = r.body, {}
    if not has_contact(body) then missing[#missing + 1] = "contact information" end
    if not has_timeline(body, { "acknowledg" }) then
      missing[#missing + 1] = "a timeline for acknowledging reports"
    end
    if not has_timeline(body, { "status update", "update", "progress" }) then
      missing[#missing + 1] = "a timeline for status updates"
    end
    if #missing > 0 then
      a.unit("b", "FAIL", "the policy lacks " .. lib.join(missing))
      return fail("the disclosure policy at " .. url .. " lacks " .. lib.join(missing))
    end
    a.unit("b", "PASS", "contact and both timelines present")
    return pass("the disclosure policy at " .. url .. " is public and names a contact and "
        .. "acknowledgement and status-update timelines")
  end,
}
