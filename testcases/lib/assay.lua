-- lib/assay.lua: helpers shared by the test cases, loaded into each
-- test case's sandbox before its group file.  Only functions: nothing
-- here may touch `assay` at load time (the catalogue loader runs it
-- without the API).

lib = {}

-- Entries of an IXIT item ({} when the item has none).
function lib.entries(item)
  return assay.ixit.items[item] or {}
end

-- A field's value, trimmed; nil when absent or blank.
function lib.field(entry, name)
  local v = assay.field(entry, name)
  if v == nil then return nil end
  v = v:gsub("^%s+", ""):gsub("%s+$", "")
  if v == "" then return nil end
  return v
end

-- The first of `words` that occurs in text (case-insensitive, plain), or nil.
function lib.mentions(text, words)
  if text == nil then return nil end
  local t = text:lower()
  for _, w in ipairs(words) do
    if t:find(w:lower(), 1, true) then return w end
  end
  return nil
end

-- A declaration that explicitly says "nothing": "none", "no", "n/a", "-".
function lib.is_none(text)
  if text == nil then return false end
  local t = text:lower():gsub("^%s+", ""):gsub("[%s%.]+$", "")
  return t == "none" or t == "no" or t == "n/a" or t == "-" or
      t == "not implemented" or t == "not applicable" or t == "nothing"
end

-- Reason text for missing IXIT information (verdicts.md: IXIT_MISSING).
function lib.missing(item, entry, field)
  return string.format("IXIT_MISSING:%s/%s/%s", item,
      entry and entry.id or "-", field)
end

local password_words = { "password", "passcode", "passphrase", "pin" }
local user_defined_words = { "user-defined", "user defined", "chosen by the user",
    "set by the user", "user-chosen", "user chosen", "user sets", "defined by the user" }
local machine_words = { "machine-to-machine", "machine to machine", "m2m",
    "device-to-cloud", "device to cloud", "machine authentication",
    "not user authentication", "service-to-service" }

-- Whether an authentication mechanism uses a password-like secret.
function lib.is_password(entry)
  return lib.mentions(lib.field(entry, "Authentication Factor"), password_words) ~= nil
end

-- Whether its password is user-defined (not pre-installed or generated).
function lib.is_user_defined(entry)
  return lib.mentions(lib.field(entry, "Authentication Factor"), user_defined_words) ~= nil
end

-- Whether the mechanism authenticates users (not machines).
function lib.is_user_auth(entry)
  return lib.mentions(lib.field(entry, "Description"), machine_words) == nil
end

-- Services an entry refers to, as service tables.
function lib.services(entry)
  local out = {}
  for _, ref in ipairs(entry.refs or {}) do
    if ref.service then
      local s = assay.ixit.service_by_id[ref.service]
      if s then out[#out + 1] = s end
    end
  end
  return out
end

-- "a, b and c" from a list of strings.
function lib.join(list)
  if #list == 0 then return "" end
  if #list == 1 then return list[1] end
  return table.concat(list, ", ", 1, #list - 1) .. " and " .. list[#list]
end

-- Settles a test case from the units recorded so far: returns the verdict
-- of the worst unit with its reason (FAIL > INCONCLUSIVE > PASS).
function lib.settle(units, pass_reason)
  local worst, why = "PASS", pass_reason
  for _, u in ipairs(units) do
    if u[2] == "FAIL" and worst ~= "FAIL" then
      worst, why = "FAIL", "unit " .. u[1] .. ": " .. u[3]
    elseif u[2] == "INCONCLUSIVE" and worst == "PASS" then
      worst, why = "INCONCLUSIVE", "unit " .. u[1] .. ": " .. u[3]
    end
  end
  return worst, why
end

-- Records a unit and keeps it in `units` for lib.settle.
function lib.unit(units, letter, verdict, reason)
  assay.unit(letter, verdict, reason)
  units[#units + 1] = { letter, verdict, reason }
end

-- For functional test cases whose probes are not wired yet.
function lib.no_probe(what)
  return inconclusive("probe not yet available: " .. what)
end

-- The probe function assay.net[name], or nil with an INCONCLUSIVE reason.
function lib.probe(name)
  local f = assay.net[name]
  if f == nil then
    return nil, "probe not yet available: assay.net." .. name
  end
  return f
end

-- The device's first address (lab set-up file, <address>).
function lib.host()
  return assay.setup.addresses[1]
end

-- The lab's credentials (lab set-up file): {id, service, username,
-- password, origin}.
function lib.credentials()
  return assay.setup.credentials
end

-- Declared TCP/UDP ports: set[transport][port] = service.
function lib.declared_ports()
  local set = { tcp = {}, udp = {} }
  for _, s in ipairs(assay.ixit.services) do
    set[s.transport][s.port] = s
  end
  return set
end

-- Full TCP sweep of the device, cached per test case.
local sweep_cache
function lib.sweep()
  if sweep_cache then return sweep_cache end
  local f, why = lib.probe("tcp_sweep")
  if not f then return nil, why end
  -- A device none of whose declared services answers is not there (or
  -- not in the state the IXIT describes): say so instead of sweeping.
  local declared = {}
  for _, s in ipairs(assay.ixit.services) do
    if s.transport == "tcp" then declared[#declared + 1] = s.port end
  end
  if #declared > 0 then
    local d, err = f(lib.host(), { ports = declared })
    if not d then return nil, "TCP probe failed: " .. tostring(err) end
    if #d.open == 0 then
      return nil, "DUT_UNREACHABLE: none of the declared TCP services ("
          .. table.concat(declared, ", ") .. ") answers on " .. lib.host()
    end
  end
  local r, err = f(lib.host(), { ports = "1-65535" })
  if not r then return nil, "TCP sweep failed: " .. tostring(err) end
  sweep_cache = r
  return r
end

-- Open TCP ports the IXIT does not declare (sorted).
function lib.undeclared_tcp(sweep)
  local declared, out = lib.declared_ports(), {}
  for _, p in ipairs(sweep.open) do
    if declared.tcp[p] == nil then out[#out + 1] = p end
  end
  table.sort(out)
  return out
end

-- URL of the device's web service for a path, when the IXIT gives a
-- relative location; absolute http(s) URLs are used as they are.
function lib.url(text)
  if text == nil then return nil end
  local u = text:match("(https?://[%w%-%._~:/%?#%[%]@!%$&'%(%)%*%+,;=%%]+)")
  if u then return u end
  local path = text:match("^(/[%S]*)")
  if path then
    for _, s in ipairs(assay.ixit.services) do
      if s.protocol == "https" or s.protocol == "http" then
        return string.format("%s://%s:%d%s", s.protocol, s.address, s.port, path)
      end
    end
  end
  return nil
end

-- Tries one user/password on a declared service.  Returns true (accepted),
-- false, detail (rejected), or nil, err (no answer: refused, reset, timeout,
-- or no probe for the protocol).
function lib.login(s, user, password)
  local p = s.protocol
  if p == "telnet" then
    local f, why = lib.probe("telnet_login")
    if not f then return nil, why end
    return f(s.address, s.port, user, password, {})
  elseif p == "ssh" then
    local f, why = lib.probe("ssh_login")
    if not f then return nil, why end
    return f(s.address, s.port, user, password)
  elseif p == "http" or p == "https" then
    local f, why = lib.probe("http_request")
    if not f then return nil, why end
    local auth, no = lib.http_auth(s)
    if not auth then return nil, no end
    local r, err = f({ url = string.format("%s://%s:%d%s", p, s.address, s.port, s.path or "/"),
        user = user, password = password, auth = "basic", max_body = 4096 })
    if not r then return nil, err end
    if r.status >= 200 and r.status < 300 then return true, "HTTP " .. r.status end
    return false, "HTTP " .. r.status
  elseif p == "mqtt" or p == "mqtts" then
    local f, why = lib.probe("mqtt_connect")
    if not f then return nil, why end
    local r, err = f({ host = s.address, port = s.port, tls = s.security == "tls",
        user = user, password = password })
    if not r then return nil, err end
    return r.accepted, r.reason
  end
  return nil, "no login probe for protocol " .. tostring(p)
end

-- For an HTTP(S) service: true when its path answers 401 without
-- credentials (HTTP authentication that credentials can be tried on);
-- false, why when it does not; nil, err when it does not answer.
function lib.http_auth(s)
  local f, why = lib.probe("http_request")
  if not f then return nil, why end
  local url = string.format("%s://%s:%d%s", s.protocol, s.address, s.port, s.path or "/")
  local r, err = f({ url = url, max_body = 4096 })
  if not r then return nil, err end
  if r.status == 401 then return true end
  return false, string.format("%s answers HTTP %d without credentials: not HTTP "
      .. "authentication, so passwords cannot be tried there automatically", url, r.status)
end

-- Whether a service asks for a password before anything else.
function lib.password_protected(s)
  if s.protocol == "telnet" or s.protocol == "ssh" then return true end
  if s.protocol == "http" or s.protocol == "https" then
    local f = lib.probe("http_request")
    if not f then return nil end
    local r = f({ url = string.format("%s://%s:%d%s", s.protocol, s.address, s.port, s.path or "/"),
        max_body = 4096 })
    return r and r.status == 401
  end
  return false
end

-- Login prompts in a banner ("login:", "Password:", "Username").
function lib.asks_password(text)
  return lib.mentions(text, { "login:", "password", "username", "user name", "passcode" }) ~= nil
end

-- Deprecated or broken primitives and protocols (SOG-IS, BSI TR-02102 and
-- NIST SP 800-131A agree on each of these).
local weak_crypto = { "md5", "sha-1", "sha1", "des ", "3des", "triple des", "rc4", "ssl 3",
    "sslv3", "tls 1.0", "tlsv1.0", "tls1.0", "tls 1.1", "tlsv1.1", "tls1.1", "plaintext",
    "plain text", "cleartext", "clear text", "base64", "unencrypted", "export",
    "null cipher", "anonymous dh", "http basic auth without tls", "ecb", "rsa-1024",
    "rsa 1024", "1024-bit", "512-bit", "wep" }

-- The first deprecated primitive a "Cryptographic Details" text declares,
-- or nil.  HMAC-SHA1 is not broken (RFC 6194) and SSH's
-- diffie-hellman-group14-sha1 stays a MAY in RFC 9142; SHA-1 signatures and
-- plain hashes are out.
function lib.weak_crypto(text)
  local t = text:lower():gsub("hmac%-sha%-?1", "hmac"):gsub("group14%-sha1", "group14")
  local w = lib.mentions(t .. " ", weak_crypto)
  return w and w:gsub("%s+$", "")
end

-- Units a-d of a conceptual cryptography review (5.1-3-1, 5.5-1-1) for one
-- IXIT entry: guarantees declared, design described, best-practice
-- cryptography, no known feasible attack.
function lib.review_crypto(units, item, e)
  local g = lib.field(e, "Security Guarantees")
  lib.unit(units, "a", g and "PASS" or "INCONCLUSIVE", g and (e.id .. ": guarantees " .. g)
      or lib.missing(item, e, "Security Guarantees"))
  local d = lib.field(e, "Description")
  lib.unit(units, "b", d and "PASS" or "INCONCLUSIVE", d and (e.id .. ": design described")
      or lib.missing(item, e, "Description"))
  local c = lib.field(e, "Cryptographic Details")
  if c == nil then
    lib.unit(units, "c", "INCONCLUSIVE", lib.missing(item, e, "Cryptographic Details"))
    return
  end
  local w = lib.weak_crypto(c)
  lib.unit(units, "c", w and "FAIL" or "PASS", w and
      (e.id .. ": declares deprecated cryptography (\"" .. w .. "\")") or (e.id .. ": " .. c))
  lib.unit(units, "d", w and "FAIL" or "PASS", w and
      (e.id .. ": known practical attacks exist against \"" .. w .. "\"") or
      (e.id .. ": no declared primitive has a known feasible attack"))
end

-- A test case whose units need a person: the assessor's judgement
-- (`assay run --judgement ID=VERDICT:TEXT`, with --assessor) decides the
-- given units; without one the test case is INCONCLUSIVE naming the step.
function lib.manual(what, units)
  local j = assay.judgement
  if j == nil then
    return inconclusive("MANUAL_STEP_PENDING: " .. what)
  end
  local why = "assessor " .. j.by .. ": " .. j.text
  for _, u in ipairs(units) do
    assay.unit(u, j.verdict, why)
  end
  return j.verdict, why
end
