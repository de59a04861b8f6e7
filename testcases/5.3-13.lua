-- Test group 5.3-13: the defined support period is published, clearly
-- and accessibly.
group "5.3-13"

local function declared()
  for _, e in ipairs(lib.entries("2-UserInfo")) do
    local p = lib.field(e, "Publication of Support Period")
    if p then return p, lib.field(e, "Support Period"), e end
  end
  return nil
end

-- A period or end date a non-technical user can read.
local function states_period(text)
  local t = text:lower()
  return t:find("%d%d%d%d%-%d%d%-%d%d") or t:find("%d+%s+years?") or
      t:find("until%s+%a*%s*%d%d%d%d") or t:find("%a+%s+%d%d%d%d") or
      t:find("%d%d?[%./]%d%d?[%./]%d%d%d%d") or t:find("end of support") ~= nil
end

testcase {
  id = "5.3-13-1",
  type = "conceptual",
  ixit = { "2-UserInfo" },
  purpose = "The published support period is easy to find and understand for a user with limited technical knowledge.",
  run = function(a)
    local pub, period = declared()
    if pub == nil then
      a.unit("a", "INCONCLUSIVE", "IXIT_MISSING:2-UserInfo/-/Publication of Support Period")
      return inconclusive("the IXIT does not say where the support period is published")
    end
    if period == nil then
      a.unit("a", "INCONCLUSIVE", "IXIT_MISSING:2-UserInfo/-/Support Period")
      return inconclusive("the IXIT does not state the support period itself")
    end
    if not states_period(period) then
      a.unit("a", "FAIL", "\"" .. period .. "\" is not a period or end date a user can read")
      return fail("the declared support period \"" .. period .. "\" states no period or end date")
    end
    a.unit("a", "PASS", "published at " .. pub .. ": " .. period)
    return pass("support period \"" .. period .. "\" published at " .. pub)
  end,
}

testcase {
  id = "5.3-13-2",
  type = "functional",
  ixit = { "2-UserInfo" },
  purpose = "The documented route leads, without registration, to a page stating the support period.",
  run = function(a)
    local pub, period = declared()
    local url = lib.url(pub)
    if url == nil then
      return inconclusive("MANUAL_STEP_PENDING: follow the documented route \"" .. tostring(pub)
          .. "\" to the support period and record what it states")
    end
    local http, why = lib.probe("http_request")
    if not http then return inconclusive(why) end
    local r, err = http({ url = url, follow = 5, max_body = 256 * 1024 })
    if not r then
      return inconclusive("DUT_UNREACHABLE: fetching " .. url .. " failed: " .. err)
    end
    a.evidence("support-period.txt", r.body or "")
    if r.status ~= 200 then
      a.unit("a", "FAIL", url .. " answered HTTP " .. r.status)
      return fail("the support period page " .. url .. " is not reachable (HTTP " .. r.status .. ")")
    end
    a.unit("a", "PASS", "the documented route " .. url .. " leads to a page")
    a.unit("b", "PASS", "no login or registration needed (HTTP 200 without credentials)")
    if not states_period(r.body) then
      a.unit("c", "FAIL", "the page states no period or end date")
      return fail(url .. " does not state the support period")
    end
    a.unit("c", "PASS", "the page states a period or end date")
    return pass("support period published openly at " .. url)
  end,
}
