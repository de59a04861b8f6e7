-- Test group 5.6-2: in the initialized state, network interfaces disclose
-- no more security-relevant information than needed, without authentication.
group "5.6-2"

local relevant = { "version", "firmware", "serial", "mac", "key", "password", "token",
    "secret", "private", "build", "debug" }

testcase {
  id = "5.6-2-1",
  type = "conceptual",
  ixit = { "15-Intf" },
  purpose = "Information disclosed without authentication is correctly labelled and only what is needed.",
  run = function(a)
    local units, n = {}, 0
    for _, e in ipairs(lib.entries("15-Intf")) do
      local d = lib.field(e, "Disclosed Information")
      if d and not lib.is_none(d) then
        n = n + 1
        local w = lib.mentions(d, relevant)
        local labelled = lib.mentions(d, { "security-relevant", "security relevant" })
        local not_rel = lib.mentions(d, { "not security-relevant", "not security relevant",
            "non-security" })
        if w and not_rel then
          lib.unit(units, "a", "FAIL", e.id .. ": \"" .. w .. "\" disclosed but labelled not "
              .. "security-relevant")
        else
          lib.unit(units, "a", "PASS", e.id .. ": labelling consistent")
        end
        if w and labelled and not not_rel then
          lib.unit(units, "b", "INCONCLUSIVE", "MANUAL_STEP_PENDING: judge whether " .. e.id
              .. " needs to disclose \"" .. d .. "\" for its operation")
        else
          lib.unit(units, "b", "PASS", e.id .. ": disclosure \"" .. d .. "\"")
        end
      end
    end
    if n == 0 then
      return pass("vacuous: no interface is declared to disclose information without authentication")
    end
    return lib.settle(units, n .. " disclosure(s) reviewed")
  end,
}

-- Strings in unauthenticated replies that disclose security-relevant facts.
-- Only the first 16 KiB are searched: the patterns backtrack, and a hostile
-- device must not be able to stall the test case with a crafted body.
local function findings_in(text)
  local out = {}
  text = text:sub(1, 16384)
  if text:find("BEGIN [%u ]*PRIVATE KEY") then out[#out + 1] = "a private key" end
  local hex = text:match("%f[%x]%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%f[^%x]")
  if hex then out[#out + 1] = "a key-like hex string" end
  local v = text:lower():match("firmware[%s:=/]*v?%d+%.%d+[%.%d]*")
  if v then out[#out + 1] = "the firmware version (\"" .. v .. "\")" end
  local sw = text:match("[%a%-_]+[/_ ]%d+%.%d+[%.%w%-]*")
  if sw and not v then out[#out + 1] = "a software version (\"" .. sw .. "\")" end
  if text:lower():find("password%s*[:=]") then out[#out + 1] = "a password" end
  return out
end

testcase {
  id = "5.6-2-2",
  type = "functional",
  ixit = { "15-Intf" },
  purpose = "Unauthenticated queries of each network interface reveal no undeclared security-relevant information.",
  run = function(a)
    local banner, why = lib.probe("banner")
    if not banner then return inconclusive(why) end
    local sweep, err = lib.sweep()
    if not sweep then return inconclusive(err) end
    -- What the IXIT says each service discloses.
    local declared_text = {}
    for _, e in ipairs(lib.entries("15-Intf")) do
      for _, s in ipairs(lib.services(e)) do
        declared_text[s.port] = (declared_text[s.port] or "") .. " " ..
            (lib.field(e, "Disclosed Information") or "")
      end
    end
    local http = lib.probe("http_request")
    local found, probed = {}, 0
    for _, port in ipairs(sweep.open) do
      local svc = lib.declared_ports().tcp[port]
      local text
      if http and svc and (svc.protocol == "http" or svc.protocol == "https") then
        local r = http({ url = string.format("%s://%s:%d/", svc.protocol, svc.address, port),
            max_body = 64 * 1024 })
        if r then
          local hdrs = {}
          for k, v in pairs(r.headers or {}) do hdrs[#hdrs + 1] = k .. ": " .. tostring(v) end
          text = table.concat(hdrs, "\n") .. "\n" .. (r.body or "")
        end
      elseif not (svc and (svc.security == "tls")) then
        text = banner(lib.host(), port, { timeout_ms = 1500, max_bytes = 4096 })
      end
      if text and #text > 0 then
        probed = probed + 1
        for _, f in ipairs(findings_in(text)) do
          local decl = (declared_text[port] or ""):lower()
          local key = f:match("^(%a+ %a+)") or f
          if not (decl:find("version", 1, true) and f:find("version", 1, true)) and
              not decl:find(key:lower(), 1, true) then
            found[#found + 1] = string.format("port %d discloses %s", port, f)
          end
        end
      end
    end
    if #found > 0 then
      a.unit("a", "FAIL", table.concat(found, "; "))
      return fail("undeclared security-relevant information without authentication: "
          .. table.concat(found, "; "))
    end
    a.unit("a", "PASS", probed .. " interface(s) queried unauthenticated; nothing undeclared")
    return pass(probed .. " open interface(s) queried without authentication disclose nothing "
        .. "security-relevant beyond what the IXIT declares")
  end,
}
