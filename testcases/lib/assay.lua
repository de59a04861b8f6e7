-- lib/assay.lua: helpers shared by the test cases, loaded into each
-- test case's sandbox before its group file.  Only functions: nothing
-- here may touch `assay` at load time (the catalogue loader runs it
-- without the API).
--
-- The verdict policy these helpers serve is in testcases/README.md
-- ("Conceptual verdict policy"): PASS only from structured facts by a
-- stated rule, or from an assessor's recorded judgement; free text only
-- ever leads to FAIL by a high-precision rule or to REVIEW_PENDING.

lib = {}

-- Entries of an IXIT item ({} when the item has none).
function lib.entries(item)
  local ixit = assay.ixit
  return (ixit and ixit.items and ixit.items[item]) or {}
end

-- A field's value, trimmed; nil when absent or blank.
function lib.field(entry, name)
  local v = assay.field(entry, name)
  if v == nil then return nil end
  v = v:gsub("^%s+", ""):gsub("%s+$", "")
  if v == "" then return nil end
  return v
end

-- Text bounded to `max` bytes (default 160) for quoting in a reason.
function lib.clip(text, max)
  max = max or 160
  text = tostring(text or "")
  if #text <= max then return text end
  return text:sub(1, max) .. "..."
end

-- "\"text\"" clipped, for quoting IXIT text in REVIEW_PENDING reasons.
function lib.quote(text, max)
  return "\"" .. lib.clip(text, max) .. "\""
end

-- The first of `words` that occurs in text (case-insensitive, plain), or
-- nil.  Only for hints in REVIEW_PENDING reasons and for device output
-- (banners, pages): never to make a unit PASS from IXIT free text.
function lib.mentions(text, words)
  if text == nil then return nil end
  local t = text:sub(1, 65536):lower()
  for _, w in ipairs(words) do
    if t:find(w:lower(), 1, true) then return w end
  end
  return nil
end

-- A field that literally says nothing where an answer is required:
-- empty, "TBD", "TODO", "-", "n/a", "none", "?", lorem ipsum ...  Exact
-- matches only (high precision): "none needed because ..." is not one.
local placeholders = { [""] = true, tbd = true, tba = true, todo = true, ["-"] = true,
    ["--"] = true, ["n/a"] = true, na = true, ["n.a"] = true, none = true, no = true,
    ["?"] = true, ["??"] = true, ["???"] = true, xxx = true, fixme = true, nothing = true,
    ["not applicable"] = true, ["not implemented"] = true, unknown = true,
    ["to be defined"] = true, ["to be determined"] = true, ["to be done"] = true,
    ["..."] = true, ["tbc"] = true, ["pending"] = true }

function lib.is_placeholder(text)
  if text == nil then return true end
  local t = text:sub(1, 4096):lower():gsub("^%s+", ""):gsub("[%s%.!]+$", "")
  if placeholders[t] then return true end
  return t:sub(1, 11) == "lorem ipsum"
end

-- Facts against their explanation -------------------------------------
--
-- A conceptual PASS rests on facts, but the manufacturer's free text beside
-- them is what the assessor reads.  When that text negates, hedges, is a
-- placeholder or is not in English, the form contradicts itself (or cannot
-- be checked against itself) and a person must resolve it: the PASS becomes
-- REVIEW_PENDING.  The rule only ever withholds a PASS, so it may be broad.

local doubt_words = { ["not"] = true, ["no"] = true, ["never"] = true, ["none"] = true,
    ["without"] = true, ["cannot"] = true, ["unlimited"] = true, ["shared"] = true,
    ["same"] = true, ["identical"] = true, ["universal"] = true, ["tbd"] = true,
    ["tba"] = true, ["todo"] = true, ["fixme"] = true, ["lorem"] = true, ["ipsum"] = true,
    ["unknown"] = true, ["maybe"] = true, ["planned"] = true, ["xxx"] = true,
    ["nicht"] = true, ["kein"] = true, ["keine"] = true, ["ne"] = true, ["pas"] = true }
local english_words = { ["the"] = true, ["a"] = true, ["an"] = true, ["of"] = true,
    ["and"] = true, ["to"] = true, ["is"] = true, ["are"] = true, ["per"] = true,
    ["from"] = true, ["with"] = true, ["for"] = true, ["by"] = true, ["in"] = true,
    ["on"] = true, ["at"] = true, ["after"] = true, ["or"] = true, ["each"] = true,
    ["every"] = true, ["be"] = true, ["as"] = true, ["until"] = true, ["then"] = true }

-- nil when `text` gives no reason to doubt the facts beside it, else why.
function lib.text_doubt(text)
  if text == nil then return nil end
  local t = text:sub(1, 4096)
  if lib.is_placeholder(t) then return "is a placeholder" end
  local lower = t:lower()
  if lower:match("^%s*https?://[^%s]+%s*$") then return nil end
  local n, english = 0, false
  for w in lower:gmatch("[%a']+") do
    n = n + 1
    if doubt_words[w] or w:sub(-3) == "n't" then
      return "contains \"" .. w .. "\""
    end
    if english_words[w] then english = true end
  end
  if n >= 3 and not english then return "is not recognisably English" end
  return nil
end

-- Records `letter` PASS with `reason` (a rule over entry e's facts), unless
-- one of e's free-text `fields` casts doubt on it: then REVIEW_PENDING
-- naming the field, the text and what to resolve.
function lib.fact_pass(units, letter, e, fields, reason)
  for _, name in ipairs(fields) do
    local text = lib.field(e, name)
    local why = lib.text_doubt(text)
    if why then
      lib.review(units, letter, e.id .. ": the facts would pass by rule (" .. reason
          .. "), but \"" .. name .. "\" " .. lib.quote(text, 200) .. " " .. why
          .. ": resolve the contradiction with the manufacturer and record a judgement")
      return false
    end
  end
  units:add(letter, "PASS", reason, lib.FACTS)
  return true
end

-- A declaration that explicitly says "nothing" (kept for FAIL rules).
function lib.is_none(text)
  if text == nil then return false end
  local t = text:sub(1, 4096):lower():gsub("^%s+", ""):gsub("[%s%.]+$", "")
  return t == "none" or t == "no" or t == "n/a" or t == "-" or
      t == "not implemented" or t == "not applicable" or t == "nothing"
end

-- Reason text for missing IXIT information (verdicts.md: IXIT_MISSING).
function lib.missing(item, entry, field)
  return string.format("IXIT_MISSING:%s/%s/%s", item,
      entry and entry.id or "-", field)
end

-- Version-2 facts (docs/facts.md) ------------------------------------------

-- A fact of an entry (boolean, integer, string, or list), nil when absent.
function lib.fact(entry, name)
  local f = entry and entry.facts
  if f == nil then return nil end
  return f[name]
end

-- A list fact as an array (a single value becomes a one-element list),
-- nil when absent.
function lib.fact_list(entry, name)
  local v = lib.fact(entry, name)
  if v == nil then return nil end
  if type(v) ~= "table" then return { v } end
  local out = {}
  for _, x in ipairs(v) do out[#out + 1] = x end
  return out
end

-- Whether a list fact holds `value`.
function lib.fact_has(entry, name, value)
  for _, x in ipairs(lib.fact_list(entry, name) or {}) do
    if x == value then return true end
  end
  return false
end

-- A fact value as text: lists joined with "+", booleans as true/false.
function lib.show(v)
  if type(v) == "table" then
    local out = {}
    for _, x in ipairs(v) do out[#out + 1] = tostring(x) end
    if #out == 0 then return "(none)" end
    return table.concat(out, "+")
  end
  return tostring(v)
end

-- "name=value" for the named facts of an entry that are present, for
-- echoing the facts a rule used in a reason.
function lib.facts_text(entry, names)
  local out = {}
  for _, n in ipairs(names) do
    local v = lib.fact(entry, n)
    if v ~= nil then out[#out + 1] = n .. "=" .. lib.show(v) end
  end
  return table.concat(out, ", ")
end

-- A fact a unit keys on: its value, or nil after recording the unit
-- INCONCLUSIVE with IXIT_MISSING:<item>/<entry>/<fact>.
function lib.require_fact(units, letter, item, entry, fact)
  local v = lib.fact(entry, fact)
  if v == nil then
    units:add(letter, "INCONCLUSIVE", lib.missing(item, entry, fact), lib.FACTS)
  end
  return v
end

-- Entries of `item` for which classify(e) is true (a lib.is_* below);
-- entries where it is nil (the fact is absent) are recorded on unit
-- `letter` as IXIT_MISSING:<item>/<entry>/<fact>.
function lib.entries_where(units, letter, item, classify, fact)
  local out = {}
  for _, e in ipairs(lib.entries(item)) do
    local v = classify(e)
    if v == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing(item, e, fact), lib.FACTS)
    elseif v then
      out[#out + 1] = e
    end
  end
  return out
end

-- Classification of 1-AuthMech entries from facts: true, false, or nil
-- (unknown: the fact is absent).
function lib.is_password(e)
  local f = lib.fact(e, "factor")
  if f == nil then return nil end
  return f == "password" or f == "pin"
end

function lib.is_user_defined(e)
  local by = lib.fact(e, "password-set-by")
  if by == nil then return nil end
  return by == "user"
end

function lib.is_user_auth(e)
  return lib.fact(e, "user-auth")
end

-- Whether a mechanism is directly addressable over a network: the
-- `network` fact, else true when the entry refers to a declared service
-- (a structured reference to a port), else nil.
function lib.is_network(e)
  local n = lib.fact(e, "network")
  if n ~= nil then return n end
  if #lib.services(e) > 0 then return true end
  return nil
end

-- Units ------------------------------------------------------------------
--
-- C keeps the only record of units (assay.unit, assay.unit_verdict,
-- assay.settle: testcases/README.md).  lib.units() is a thin facade over
-- it so that helpers can take "where to record" as an argument, and says
-- how a unit was decided (assay.unit's `how`) where the caller does not.

-- How a unit was decided: the `how` argument of assay.unit / units:add.
lib.FACTS = { basis = "facts" }     -- structured facts by a stated rule
lib.TEXT = { basis = "text" }       -- free text (the placeholder FAIL rules)
lib.PERSON = { basis = "person" }   -- waits for a person

-- { basis = "probe", probe = probe, sample = sample } (sample optional).
function lib.probed(probe, sample)
  return { basis = "probe", probe = probe, sample = sample }
end

local Units = {}
Units.__index = Units

-- The unit record of this test case: units:add(letter, verdict, reason
-- [, how]) any number of times per letter (C keeps the worst, with the
-- reasons at that level); `how` defaults to lib.FACTS for a reason
-- starting IXIT_MISSING (a fact the unit keys on is absent), else to the
-- one given here (lib.FACTS, lib.probed(...)), which a test case may
-- change as it goes (units.how = ...).  units:settle(pass_reason) returns
-- the test case's verdict and reason.
function lib.units(how)
  return setmetatable({ how = how }, Units)
end

function Units:add(letter, verdict, reason, how)
  if how == nil and tostring(reason):sub(1, 12) == "IXIT_MISSING" then how = lib.FACTS end
  assay.unit(letter, verdict, reason, how or self.how)
end

function Units:has(letter)
  return assay.unit_verdict(letter) ~= nil
end

function Units:settle(pass_reason)
  return assay.settle(pass_reason)
end

-- The letters TS 103 701 numbers for the running test case ("a", "b" ...).
function lib.letters()
  local out = {}
  for _, u in ipairs(assay.testcase.units or {}) do out[#out + 1] = u.letter end
  return out
end

-- Records every unit not recorded yet as `verdict` with `reason`: for a
-- path that ends the test case early (no sweep, an incomplete IXIT), so
-- that each unit still says why it has the verdict it has.
function Units:rest(verdict, reason, how)
  for _, l in ipairs(lib.letters()) do
    if not self:has(l) then self:add(l, verdict, reason, how) end
  end
end

-- units:rest(verdict, reason, how), then the test case's verdict: the
-- common early ending.
function Units:stop(verdict, reason, how)
  self:rest(verdict, reason, how)
  return self:settle("")
end

-- A sink for helpers run only for their result, whose unit outcomes
-- another test case reports: nothing is recorded (has() still says which
-- letters a helper tried to record).
local Ignored = {}
Ignored.__index = Ignored
function Ignored:add(letter) self.seen[letter] = true end
function Ignored:has(letter) return self.seen[letter] == true end
function lib.ignored_units()
  return setmetatable({ seen = {} }, Ignored)
end

-- The common ending of a test case, for unit `letter`:
--   t.findings  list: each recorded FAIL (C joins them with "; ")
--   t.open      list of what could not be examined: recorded INCONCLUSIVE
--               as "<t.open_what>: a; b" (t.open_what defaults to "not examined")
--   t.checked   when nothing at all was recorded on `letter`: PASS with it
-- then returns assay.settle(pass_reason).
function lib.finish(units, letter, t, pass_reason)
  for _, f in ipairs(t.findings or {}) do units:add(letter, "FAIL", f) end
  if t.open and #t.open > 0 then
    units:add(letter, "INCONCLUSIVE", (t.open_what or "not examined") .. ": "
        .. table.concat(t.open, "; "))
  end
  if t.checked and not units:has(letter) then units:add(letter, "PASS", t.checked) end
  return units:settle(pass_reason)
end

-- Review by a person ----------------------------------------------------

-- A unit whose PASS only a person can give: INCONCLUSIVE with
-- `REVIEW_PENDING: <what>`.  `what` says exactly what to judge and quotes
-- the IXIT text or page to judge it by.  The assessor's judgement never
-- reaches the test case: `assay review` records it per unit and the engine
-- applies it over this verdict.
function lib.review(units, letter, what)
  units:add(letter, "INCONCLUSIVE", "REVIEW_PENDING: " .. what, lib.PERSON)
end

-- "a, b and c" from a list of strings.
function lib.join(list)
  if #list == 0 then return "" end
  if #list == 1 then return list[1] end
  return table.concat(list, ", ", 1, #list - 1) .. " and " .. list[#list]
end

-- Sorted keys of a table (deterministic iteration instead of pairs()).
function lib.keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out, function(a, b) return tostring(a) < tostring(b) end)
  return out
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

-- Lab set-up -------------------------------------------------------------
-- IXIT version 2 moves addresses, credentials and the budget into the lab
-- set-up file (assay.setup); version 1 had them in assay.ixit.

function lib.addresses()
  local s = assay.setup
  if s and s.addresses then return s.addresses end
  return (assay.ixit and assay.ixit.addresses) or {}
end

-- Lab credentials: {id, service, username, password, origin}.
function lib.credentials()
  local s = assay.setup
  if s and s.credentials then return s.credentials end
  return (assay.ixit and assay.ixit.credentials) or {}
end

-- The device's first address.
function lib.host()
  return lib.addresses()[1]
end

-- A service's address (set-up override or the first address).
function lib.addr(s)
  return s.address or lib.host()
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

-- Entries of `item` that refer to service id `sid`.
function lib.entries_for_service(item, sid)
  local out = {}
  for _, e in ipairs(lib.entries(item)) do
    for _, s in ipairs(lib.services(e)) do
      if s.id == sid then out[#out + 1] = e; break end
    end
  end
  return out
end

-- The 15-Intf entries that speak for a service: those referring to it,
-- else the network interfaces (kind=network) that refer to no service at
-- all (a Wi-Fi or Ethernet interface carries every service).
function lib.interfaces_for(sid)
  local out = lib.entries_for_service("15-Intf", sid)
  if #out > 0 then return out end
  for _, e in ipairs(lib.entries("15-Intf")) do
    if lib.fact(e, "kind") == "network" and #lib.services(e) == 0 then out[#out + 1] = e end
  end
  return out
end

-- Declared TCP/UDP ports: set[transport][port] = service.
function lib.declared_ports()
  local set = { tcp = {}, udp = {} }
  for _, s in ipairs(assay.ixit.services) do
    if set[s.transport] then set[s.transport][s.port] = s end
  end
  return set
end

-- Full TCP sweep of the device, cached per test case.
local sweep_cache
function lib.sweep()
  if sweep_cache then return sweep_cache end
  local f, why = lib.probe("tcp_sweep")
  if not f then return nil, why end
  if lib.host() == nil then return nil, "IXIT_MISSING:setup/-/address" end
  -- A device none of whose declared services answers is not there (or
  -- not in the state the IXIT describes): say so instead of sweeping.
  local declared = {}
  for _, s in ipairs(assay.ixit.services) do
    if s.transport == "tcp" then declared[#declared + 1] = s.port end
  end
  table.sort(declared)
  local d, err
  if #declared > 0 then
    d, err = f({ host = lib.host(), ports = declared })
    if not d then return nil, "TCP probe failed: " .. tostring(err) end
    if #d.open == 0 then
      return nil, "DUT_UNREACHABLE: none of the declared TCP services ("
          .. table.concat(declared, ", ") .. ") answers on " .. lib.host()
    end
  end
  local r, err = f({ host = lib.host(), ports = "1-65535" })
  if not r then return nil, "TCP sweep failed: " .. tostring(err) end
  -- A device that restarted or flapped during the sweep gives a sweep
  -- that is no picture of it (a port that was down then is missing), so
  -- nothing may be judged from it: a declared port open just before the
  -- sweep but closed in it says so.  (A port down in both is only down:
  -- 5.6-1-2 judges that against 15-Intf.)
  if #declared > 0 then
    local sw, changed = {}, {}
    for _, p in ipairs(r.open) do sw[p] = true end
    for _, p in ipairs(d.open) do
      if not sw[p] then changed[#changed + 1] = "tcp/" .. p end
    end
    if #changed > 0 then
      return nil, "DUT_STATE_CHANGED: declared port(s) " .. table.concat(changed, ", ")
          .. " answered just before the full TCP sweep but not in it: the device "
          .. "restarted or is flapping, so the sweep is not one picture of it; run again "
          .. "once it is stable"
    end
  end
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

-- "scheme://host:port/path" built by curl's URL parser (assay.net.url):
-- an IPv6 literal host is bracketed.
function lib.make_url(scheme, host, port, path)
  return assay.net.url({ scheme = scheme, host = host, port = port, path = path or "/" })
end

-- URL of a service for a path.
function lib.service_url(s, path)
  return lib.make_url(s.protocol, lib.addr(s), s.port, path or s.path or "/")
end

-- URL of the device's web service for a path, when the IXIT gives a
-- relative location; absolute http(s) URLs are used as they are.  Text
-- is bounded before matching.
function lib.url(text)
  if text == nil then return nil end
  text = text:sub(1, 2048)
  local u = text:match("(https?://[%w%-%._~:/%?#%[%]@!%$&'%(%)%*%+,;=%%]+)")
  if u then return u end
  local path = text:match("^(/[%S]*)")
  if path then
    for _, s in ipairs(assay.ixit.services) do
      if s.protocol == "https" or s.protocol == "http" then
        return lib.service_url(s, path)
      end
    end
  end
  return nil
end

-- Whether a URL (from the forms: data, not code) is http:// or https://,
-- the only URLs assay.net.http_request takes.
function lib.is_http_url(url)
  local u = tostring(url or ""):sub(1, 8):lower()
  return u:sub(1, 7) == "http://" or u == "https://"
end

-- Whether a URL points at the device (one of its addresses).
function lib.on_device(url)
  local host = (url or ""):sub(1, 2048):match("^%a+://%[?([^/:%]]+)")
  if host == nil then return false end
  for _, a in ipairs(lib.addresses()) do
    if a == host then return true end
  end
  return false
end

-- Tries one user/password on a declared service, for mechanism m when the
-- caller knows it (lib.login_method: a declared form login is posted, else
-- HTTP authentication).  Returns true (accepted),
-- false, detail (rejected), or nil, err [, outcome] (no answer: refused,
-- reset, timeout, no probe for the protocol; outcome "no_password" when
-- there is no password to guess: SSH publickey only, an HTTP path open
-- without credentials; "ambiguous" when a form's answer cannot be told).
function lib.login(s, user, password, m)
  local p, host = s.protocol, lib.addr(s)
  if p == "http" or p == "https" then
    local how, no, outcome = lib.login_method(s, m)
    if not how then return nil, no, outcome end
    if how.kind == "form" then return lib.form_login(s, how.form, user, password) end
  end
  if p == "telnet" then
    local f, why = lib.probe("telnet_login")
    if not f then return nil, why end
    return f({ host = host, port = s.port, user = user, password = password })
  elseif p == "ssh" then
    local f, why = lib.probe("ssh_login")
    if not f then return nil, why end
    return f({ host = host, port = s.port, user = user, password = password })
  elseif p == "http" or p == "https" then
    local f, why = lib.probe("http_request")
    if not f then return nil, why end
    local r, err = f({ url = lib.service_url(s), user = user, password = password,
        auth = "basic", max_read = 4096 })
    if not r then return nil, err end
    if r.status >= 200 and r.status < 300 then return true, "HTTP " .. r.status end
    return false, "HTTP " .. r.status
  elseif p == "mqtt" or p == "mqtts" then
    local f, why = lib.probe("mqtt_connect")
    if not f then return nil, why end
    local r, err = f({ host = host, port = s.port, tls = s.security == "tls",
        user = user, password = password })
    if not r then return nil, err end
    return r.accepted, r.reason
  end
  return nil, "no login probe for protocol " .. tostring(p)
end

-- For an HTTP(S) service: true when a 1-AuthMech entry declares a form
-- login on it (lib.login_method; not with basic_only) or its path answers
-- 401 without credentials (HTTP authentication that credentials can be
-- tried on); false, why when neither (a page with a password input but no
-- declared form names the missing form facts); nil, err when it does not
-- answer.
function lib.http_auth(s, basic_only)
  if not basic_only and lib.form_mechanism(s) then return true, "form" end
  local f, why = lib.probe("http_request")
  if not f then return nil, why end
  local url = lib.service_url(s)
  local r, err = f({ url = url, max_read = 65536 })
  if not r then return nil, err end
  if r.status == 401 then return true end
  if r.status >= 200 and r.status < 300 and lib.has_login_form(r.body) then
    local e = lib.entries_for_service("1-AuthMech", s.id)[1]
    return false, string.format("%s answers HTTP %d with a password input but no form "
        .. "login is declared (%s), so passwords cannot be tried there", url, r.status,
        lib.form_missing(e))
  end
  return false, string.format("%s answers HTTP %d without credentials: not HTTP "
      .. "authentication, so passwords cannot be tried there automatically", url, r.status)
end

-- Whether a service asks for a password before anything else (a declared
-- form login counts).
function lib.password_protected(s)
  if s.protocol == "telnet" or s.protocol == "ssh" then return true end
  if s.protocol == "http" or s.protocol == "https" then
    if lib.form_mechanism(s) then return true end
    local f = lib.probe("http_request")
    if not f then return nil end
    local r = f({ url = lib.service_url(s), max_read = 4096 })
    return r and r.status == 401
  end
  return false
end

-- Login prompts in device output ("login:", "Password:", "Username").
function lib.asks_password(text)
  return lib.mentions(text, { "login:", "password", "username", "user name", "passcode" }) ~= nil
end

-- Login services the sweep finds beyond the declared ones: for each open
-- undeclared TCP port, what it is when it asks for a login in clear text
-- ({port=, kind="telnet-like"|"http-basic"|"ftp-like", detail=}).  One
-- banner read (and one HTTP request where the banner is silent) per port,
-- for at most the first 32 undeclared ports (1.5 s each at worst); the
-- second value is how many more were not examined.
local MAX_EXAMINED = 32
function lib.undeclared_logins(sweep)
  local out = {}
  local banner = lib.probe("banner")
  local http = lib.probe("http_request")
  local ports = lib.undeclared_tcp(sweep)
  local skipped = math.max(0, #ports - MAX_EXAMINED)
  for i, port in ipairs(ports) do
    if i > MAX_EXAMINED then break end
    local b = banner and banner({ host = lib.host(), port = port, timeout_ms = 1500,
        max_read = 4096 })
    if b and b:sub(1, 4) == "220 " and lib.mentions(b, { "ftp" }) then
      out[#out + 1] = { port = port, kind = "ftp-like", detail = "FTP greeting" }
    elseif b and lib.asks_password(b) then
      out[#out + 1] = { port = port, kind = "telnet-like",
          detail = "asks for a login in clear text" }
    elseif http and (b == nil or b:sub(1, 5) == "HTTP/") then
      local r = http({ url = lib.make_url("http", lib.host(), port, "/"),
          max_read = 1024, timeout_ms = 1500 })
      if r and r.status == 401 then
        out[#out + 1] = { port = port, kind = "http-basic",
            detail = "HTTP authentication without TLS" }
      end
    end
  end
  return out, skipped
end

-- Whether an HTML page holds a login form (a password input).  Plain
-- finds over at most 1 MiB.
function lib.has_login_form(body)
  local t = (body or ""):sub(1, 1048576):lower()
  return t:find("type=\"password\"", 1, true) ~= nil or
      t:find("type='password'", 1, true) ~= nil or
      t:find("type=password", 1, true) ~= nil
end

-- Deprecated or broken primitives and protocols (SOG-IS, BSI TR-02102 and
-- NIST SP 800-131A agree on each of these).  Used only as hints for the
-- assessor (REVIEW_PENDING text): free text like "we do not use MD5"
-- mentions MD5 too.
local weak_crypto = { "md5", "sha-1", "sha1", "des ", "3des", "triple des", "rc4", "ssl 3",
    "sslv3", "tls 1.0", "tlsv1.0", "tls1.0", "tls 1.1", "tlsv1.1", "tls1.1", "plaintext",
    "plain text", "cleartext", "clear text", "base64", "unencrypted", "export",
    "null cipher", "anonymous dh", "ecb", "rsa-1024", "rsa 1024", "1024-bit", "512-bit", "wep" }

-- The deprecated primitives a text mentions (sorted, distinct), for hints.
function lib.weak_crypto_hints(text)
  if text == nil then return {} end
  local t = " " .. text:sub(1, 8192):lower():gsub("hmac%-sha%-?1", "hmac"):gsub("group14%-sha1", "group14") .. " "
  local seen, out = {}, {}
  for _, w in ipairs(weak_crypto) do
    if t:find(w, 1, true) and not seen[w] then
      seen[w] = true
      out[#out + 1] = (w:gsub("%s+$", ""))
    end
  end
  table.sort(out)
  return out
end

-- Protocol versions Assay rejects (TLS 1.0/1.1 are deprecated by RFC 8996).
lib.bad_tls_versions = { SSLv3 = true, TLSv1 = true, ["TLSv1.0"] = true, ["TLSv1.1"] = true,
    ["DTLSv1.0"] = true }

-- Normalised TLS version name (facts use TLSv1.0, OpenSSL says TLSv1).
function lib.tls_name(v)
  if v == "TLSv1" then return "TLSv1.0" end
  return v
end

-- Cipher-suite name fragments that mark a broken suite.
local bad_cipher_words = { "NULL", "EXP", "RC4", "DES", "MD5", "anon", "ADH", "AECDH", "IDEA", "SEED" }

function lib.weak_cipher(name)
  for _, w in ipairs(bad_cipher_words) do
    if name:find(w, 1, true) then return w end
  end
  return nil
end

-- The conceptual cryptography review of one entry (5.1-3-1 units a-d,
-- 5.5-1-1 units a-d).  Facts can FAIL; the PASS side needs a person
-- (REVIEW_PENDING) because "best practice" and "appropriate" are
-- judgements.  `facts_fail` is a list of {letter, reason} the caller
-- derived from facts.
function lib.review_crypto(units, item, e, facts_fail)
  for _, f in ipairs(facts_fail or {}) do units:add(f[1], "FAIL", f[2], lib.FACTS) end
  local g = lib.field(e, "Security Guarantees")
  local d = lib.field(e, "Description")
  local c = lib.field(e, "Cryptographic Details")
  if g == nil or lib.is_placeholder(g) then
    units:add("a", "FAIL", e.id .. ": no security guarantees stated (\"Security Guarantees\" is "
        .. (g and lib.quote(g) or "empty") .. ")", lib.TEXT)
  else
    lib.review(units, "a", e.id .. ": are the guarantees " .. lib.quote(g)
        .. " appropriate for the use case?")
  end
  if d == nil or lib.is_placeholder(d) then
    units:add("b", "FAIL", e.id .. ": no mechanism described (\"Description\" is "
        .. (d and lib.quote(d) or "empty") .. ")", lib.TEXT)
  else
    lib.review(units, "b", e.id .. ": does the mechanism " .. lib.quote(d)
        .. " achieve the stated guarantees?")
  end
  if c == nil or lib.is_placeholder(c) then
    -- "none" as the cryptography of a channel is judged by the caller from
    -- facts; an empty field cannot be judged at all.
    units:add("c", "INCONCLUSIVE", lib.missing(item, e, "Cryptographic Details"), lib.TEXT)
    units:add("d", "INCONCLUSIVE", lib.missing(item, e, "Cryptographic Details"), lib.TEXT)
    return
  end
  local hints = lib.weak_crypto_hints(c)
  local hint = #hints > 0 and (" (the text mentions " .. table.concat(hints, ", ")
      .. ": check whether it is used)") or ""
  lib.review(units, "c", e.id .. ": is " .. lib.quote(c, 300)
      .. " best-practice cryptography for this use (reference catalogue, e.g. SOG-IS)?" .. hint)
  lib.review(units, "d", e.id .. ": is any primitive of " .. lib.quote(c, 300)
      .. " known to be open to a feasible attack?" .. hint)
end

-- Units a person must perform or look at (the declaration of each names
-- the observation: `observation`, `observe`): each of `letters` not yet
-- recorded becomes INCONCLUSIVE `MANUAL_STEP_PENDING: <observation>: <what
-- it asks>`, then the test case's verdict.  `note` (optional) is added to
-- every reason (facts the person compares with).  A letter without a
-- declared observation is a bug in the test case: it raises.
function lib.manual(units, letters, note)
  local decl = {}
  for _, u in ipairs(assay.testcase.units or {}) do decl[u.letter] = u end
  for _, l in ipairs(letters) do
    local d = decl[l]
    if d == nil or d.observation == nil then
      error("lib.manual: unit " .. tostring(l) .. " declares no observation", 2)
    end
    if not units:has(l) then
      units:add(l, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. d.observation .. ": "
          .. d.observe .. (note and (" (" .. note .. ")") or ""), lib.PERSON)
    end
  end
  return units:settle("")
end

-- Published pages (5.2-1-2, 5.3-13-2) ------------------------------------

-- Visible text of an HTML page (tags dropped), bounded to 1 MiB, in
-- linear time (plain finds only: no pattern can backtrack over the body).
function lib.visible_text(body)
  body = (body or ""):sub(1, 1048576)
  local out, i, n = {}, 1, #body
  while i <= n do
    local lt = body:find("<", i, true)
    if lt == nil then out[#out + 1] = body:sub(i); break end
    out[#out + 1] = body:sub(i, lt - 1)
    local gt = body:find(">", lt + 1, true)
    if gt == nil then break end
    i = gt + 1
  end
  return table.concat(out, " ")
end

-- Whether a text holds nothing but blanks (plain scan).
function lib.blank(text)
  return text == nil or text:find("[^%s]") == nil
end

-- E-mail-like contacts in a text (at most 5, sorted): found by plain finds
-- of "@" (at most 500 examined), each in a 64-byte window (linear time).
function lib.emails(text)
  text = (text or ""):sub(1, 1048576)
  local found, out, i, tries = {}, {}, 1, 0
  while #out < 5 and tries < 500 do
    local at = text:find("@", i, true)
    if at == nil then break end
    tries = tries + 1
    local lo = math.max(1, at - 64)
    local left = text:sub(lo, at - 1):match("([%w%._%-%+]+)$")
    local right = text:sub(at + 1, at + 64):match("^([%w%-]+%.[%w%.%-]+)")
    if left and right then
      local m = left .. "@" .. right
      if not found[m] then found[m] = true; out[#out + 1] = m end
    end
    i = at + 1
  end
  table.sort(out)
  return out
end

-- Fetches a page that must be public and judges it: PASS when
-- it answers 2xx, on the device, without a login form and not empty;
-- FAIL by the strict rules (4xx incl. 401/403/404/410, 5xx, redirect off
-- the device or to a login page, a redirect loop, a login form, an empty
-- page); INCONCLUSIVE when it does not answer or is not on the device
-- (Assay only talks to the device).  Returns the verdict, its reason and,
-- when the page is public, the response.
function lib.check_public(url, evidence_name)
  if not lib.on_device(url) then
    return "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. url .. " is not on the "
        .. "device (Assay only connects to the device): open it without an account and "
        .. "record what it shows"
  end
  local http, why = lib.probe("http_request")
  if not http then return "INCONCLUSIVE", why end
  if not lib.is_http_url(url) then
    -- A declared URL is data: not http(s) is a finding about it, not a bug.
    return "INCONCLUSIVE", "DUT_UNREACHABLE: fetching " .. url .. " failed: not an http(s) URL: "
        .. url:sub(1, 80)
  end
  local r, err = http({ url = url, follow = 5, max_read = 256 * 1024 })
  if not r then
    if tostring(err):lower():find("redirect", 1, true) then
      return "FAIL", url .. ": " .. tostring(err)
    end
    return "INCONCLUSIVE", "DUT_UNREACHABLE: fetching " .. url .. " failed: " .. tostring(err)
  end
  if evidence_name then assay.evidence(evidence_name, r.body or "") end
  if r.redirect_refused then
    return "FAIL", url .. ": " .. lib.clip(r.redirect_refused, 200)
        .. " (the page is not published on the device as declared)"
  end
  for _, hop in ipairs(r.redirects or {}) do
    if not lib.on_device(hop) then
      return "FAIL", url .. " redirects off the device to " .. lib.clip(hop, 200)
    end
  end
  local final = (r.redirects and #r.redirects > 0) and r.redirects[#r.redirects] or url
  local path = final:sub(1, 2048):lower():match("^%a+://[^/]*(/[^%?#]*)") or "/"
  if r.redirect_limit then
    return "FAIL", url .. " redirects in a loop (HTTP " .. r.status .. ")"
  end
  if r.status == 401 or r.status == 403 then
    return "FAIL", url .. " answered HTTP " .. r.status .. " without credentials: "
        .. "behind authentication"
  end
  if r.status < 200 or r.status >= 300 then
    return "FAIL", url .. " answered HTTP " .. r.status .. ": not published there"
  end
  if final ~= url and (path:find("login", 1, true) or path:find("signin", 1, true) or
      path:find("sign-in", 1, true)) then
    return "FAIL", url .. " redirects to a login page (" .. lib.clip(final, 200) .. ")"
  end
  if lib.has_login_form(r.body) then
    return "FAIL", url .. " answers with a login form (a password field): not "
        .. "readable without an account"
  end
  if lib.blank(lib.visible_text(r.body)) then
    return "FAIL", url .. " answers HTTP " .. r.status .. " with an empty page"
  end
  return "PASS", "fetched " .. url .. " without credentials (HTTP " .. r.status
      .. ", no login form, not empty)", r
end

-- lib.check_public recorded on unit `letter`; returns the response when
-- the page is public, else nil.
function lib.fetch_public(units, letter, url, evidence_name)
  local v, why, r = lib.check_public(url, evidence_name)
  units:add(letter, v, why, lib.probed("http_request", url))
  return r
end

-- Communication mechanisms: 5.5-1-2's checks, which 5.5-7-2, 5.8-1-2 and
-- 5.8-2-2 apply to the channels they select (TS 103 701: "apply all test
-- units as specified in the Test case 5.5-1-2") ------------------------

local COMM = "11-ComMech"

-- Data that must not travel unprotected (the `carries` values).
lib.SENSITIVE = { "credentials", "personal-data", "sensitive-personal-data",
    "security-parameters" }

-- What a channel carries that is sensitive (list), from the `carries` fact.
function lib.sensitive_carried(e)
  local out = {}
  for _, c in ipairs(lib.SENSITIVE) do
    if lib.fact_has(e, "carries", c) then out[#out + 1] = c end
  end
  return out
end

-- Accepted / refused / untestable for a version of a tls_enumerate scan
-- (booleans in the first probe API, strings in the second).
local function version_state(scan, v)
  local st = scan.version_state and scan.version_state[v]
  if st == "accepted" or st == "refused" or st == "untestable" then return st end
  local x = (scan.versions or {})[v]
  if x == true or x == "accepted" then return "accepted" end
  if x == false or x == "refused" or x == "rejected" then return "refused" end
  return "untestable"
end

local all_versions = { "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" }

-- tls-versions / tls-suites declared for a service by its 11-ComMech entries.
local function declared_for(sid, fact)
  local set, any = {}, false
  for _, e in ipairs(lib.entries_for_service(COMM, sid)) do
    for _, v in ipairs(lib.fact_list(e, fact) or {}) do
      set[fact == "tls-versions" and lib.tls_name(v) or v] = true
      any = true
    end
  end
  return any and set or nil
end

-- Leaf certificates a handshake reports: the default one and, when the
-- probe lists them (`certificates`, one per signature-algorithm family),
-- every distinct one of a multi-certificate server.  Each as the chain
-- entry (subject, key_type, key_bits, signature_algorithm), labelled.
local function certificates(h)
  local out, seen = {}, {}
  local function add(c, label)
    if c == nil then return end
    local key = tostring(c.subject) .. "|" .. tostring(c.key_type) .. "|"
        .. tostring(c.key_bits) .. "|" .. tostring(c.not_after)
    if seen[key] then return end
    seen[key] = true
    out[#out + 1] = { c = c, label = label }
  end
  if h.chain then add(h.chain[1], "") end
  for _, c in ipairs(h.certificates or {}) do
    local leaf = (c.chain and c.chain[1]) or c
    add(leaf, c.family and (" " .. c.family) or "")
  end
  return out
end

-- OpenSSL's default certificate verify depth: a longer chain verifies nowhere.
local MAX_CHAIN = 100

local function judge_cert(where, c, out)
  local kt, bits = tostring(c.key_type), c.key_bits or 0
  if (kt == "RSA" and bits < 2048) or (kt == "EC" and bits < 256) or (kt == "DSA") then
    out[#out + 1] = string.format("%s certificate key %s-%d is too short", where, kt, bits)
  end
  local sig = tostring(c.signature_algorithm or ""):lower()
  if sig:find("md5", 1, true) or sig:find("sha1", 1, true) then
    out[#out + 1] = where .. " certificate signed with " .. c.signature_algorithm
  end
end

-- 5.5-1-2 for one declared (listening) service s, recorded on `letter`:
--   - security none: FAIL when its 11-ComMech entries say it carries
--     credentials, personal data or security parameters;
--   - security tls: the port must speak TLS (else FAIL); each version is
--     accepted, refused or untestable: an accepted deprecated version
--     (SSLv3, TLS 1.0, 1.1) or one not in the declared tls-versions ->
--     FAIL; a declared version refused -> FAIL; weak suites or suites
--     outside tls-suites -> FAIL; each certificate the probe reports with
--     a short key or an MD5/SHA-1 signature -> FAIL; untestable versions
--     -> INCONCLUSIVE unless another finding already FAILs; no version
--     testable at all -> INCONCLUSIVE, never PASS; no tls-versions fact ->
--     the comparison is IXIT_MISSING;
--   - security dtls: DTLS must be offered (dtls_probe) -> else FAIL;
--   - security ssh: weak algorithms offered -> FAIL;
--   - anything else: MANUAL_STEP_PENDING (capture the traffic).
-- Returns true when the service has a secured channel that was probed.
function lib.check_service(units, letter, s)
  local enum = lib.probe("tls_enumerate")
  local hs = lib.probe("tls_handshake")
  local ssh = lib.probe("ssh_info")
  local dtls = lib.probe("dtls_probe")
  local checked = false
  local where = s.id .. " (" .. s.protocol .. "/" .. s.transport .. "/" .. s.port .. ")"
  local ents = lib.entries_for_service(COMM, s.id)
  local sens, unknown = {}, false
  for _, e in ipairs(ents) do
    if lib.fact(e, "carries") == nil then unknown = true end
    for _, c in ipairs(lib.sensitive_carried(e)) do sens[#sens + 1] = e.id .. ":" .. c end
  end
  if s.protocol == "ssh" or s.security == "ssh" then
    checked = true
    local r, err
    if ssh then r, err = ssh({ host = lib.addr(s), port = s.port }) end
    if not r then
      units:add(letter, "INCONCLUSIVE", "DUT_UNREACHABLE: " .. where .. ": " .. tostring(err))
    else
      local weak = {}
      for _, k in ipairs({ "kex", "hostkey", "ciphers", "macs" }) do
        for _, x in ipairs(r[k] or {}) do
          for _, w in ipairs({ "3des", "arcfour", "blowfish", "cast128", "hmac-md5",
              "hmac-sha1-96", "diffie-hellman-group1-sha1", "ssh-dss" }) do
            if x:find(w, 1, true) then weak[#weak + 1] = x end
          end
          if x == "none" then weak[#weak + 1] = "none (" .. k .. ")" end
        end
      end
      if #weak > 0 then
        units:add(letter, "FAIL", where .. " offers weak SSH algorithm(s) " .. lib.join(weak))
      else
        units:add(letter, "PASS", where .. ": SSH algorithms offered are current")
      end
    end
  elseif s.security == "none" then
    if #sens > 0 then
      units:add(letter, "FAIL", where .. " is plaintext but carries " .. lib.join(sens))
    elseif #ents == 0 then
      units:add(letter, "INCONCLUSIVE", "IXIT_MISSING:11-ComMech/-/entry for service " .. s.id
          .. " (plaintext " .. s.protocol .. ": what it carries must be declared)")
    elseif unknown then
      units:add(letter, "INCONCLUSIVE", "IXIT_MISSING:11-ComMech/" .. ents[1].id .. "/carries ("
          .. where .. " is plaintext)")
    else
      units:add(letter, "PASS", where .. " is plaintext and carries nothing sensitive as declared")
    end
  elseif s.security == "tls" and s.transport == "tcp" then
    checked = true
    local r, err
    if enum then r, err = enum({ host = lib.addr(s), port = s.port }) else err = "no TLS probe" end
    if not r then
      if tostring(err):find("^not TLS") then
        units:add(letter, "FAIL", where .. " is declared TLS but " .. err)
      else
        units:add(letter, "INCONCLUSIVE", "DUT_UNREACHABLE: " .. where .. ": " .. tostring(err))
      end
    else
      local want = declared_for(s.id, "tls-versions")
      local findings, untestable, accepted = {}, {}, {}
      for _, v in ipairs(all_versions) do
        local st, name = version_state(r, v), lib.tls_name(v)
        if st == "accepted" then
          accepted[#accepted + 1] = name
          if lib.bad_tls_versions[v] then
            findings[#findings + 1] = s.id .. " accepts " .. name .. " (deprecated)"
          elseif want and not want[name] then
            findings[#findings + 1] = s.id .. " accepts " .. name .. ", not in the declared "
                .. "tls-versions"
          end
        elseif st == "refused" then
          if want and want[name] then
            findings[#findings + 1] = s.id .. " refuses " .. name .. ", declared in tls-versions"
          end
        else
          untestable[#untestable + 1] = name .. " (" .. lib.clip(tostring(
              (r.version_reason or {})[v] or (r.untested or {})[v] or "not testable"), 120) .. ")"
        end
      end
      local suites = declared_for(s.id, "tls-suites")
      for _, v in ipairs(all_versions) do
        for _, c in ipairs((r.ciphers or {})[v] or {}) do
          local w = lib.weak_cipher(c)
          if w then
            findings[#findings + 1] = s.id .. " accepts " .. c .. " (" .. lib.tls_name(v) .. ")"
          elseif suites and not suites[c] then
            findings[#findings + 1] = s.id .. " accepts " .. c .. " (" .. lib.tls_name(v)
                .. "), not in the declared tls-suites"
          end
        end
      end
      -- The certificates must have been seen to be judged: a handshake
      -- that failed leaves them unexamined (INCONCLUSIVE, never PASS);
      -- a chain longer than OpenSSL's default verify depth (100) is no
      -- path any client verifies (hostile tls-chain-400).
      local cert_open
      if hs then
        local h, herr = hs({ host = lib.addr(s), port = s.port })
        if h == nil then
          cert_open = where .. ": certificate not examined: " .. lib.clip(tostring(herr), 200)
        elseif #(h.chain or {}) == 0 then
          cert_open = where .. ": certificate not examined: the handshake showed none"
        else
          if #h.chain > MAX_CHAIN then
            findings[#findings + 1] = string.format("%s presents a chain of %d certificates:"
                .. " more than any client verifies (OpenSSL's default depth is %d)",
                s.id, #h.chain, MAX_CHAIN)
          end
          for _, x in ipairs(certificates(h)) do judge_cert(s.id .. x.label, x.c, findings) end
        end
      else
        cert_open = where .. ": certificate not examined: no handshake probe in this build"
      end
      if #findings > 0 then
        for _, f in ipairs(findings) do units:add(letter, "FAIL", f) end
      elseif #accepted == 0 then
        units:add(letter, "INCONCLUSIVE", where .. ": no TLS version could be tested: "
            .. table.concat(untestable, ", "))
      elseif #untestable > 0 then
        units:add(letter, "INCONCLUSIVE", where .. ": versions not testable: "
            .. table.concat(untestable, ", "))
      elseif cert_open then
        units:add(letter, "INCONCLUSIVE", cert_open)
      elseif want == nil then
        units:add(letter, "INCONCLUSIVE", "IXIT_MISSING:11-ComMech/"
            .. (ents[1] and ents[1].id or "-") .. "/tls-versions (" .. where .. " accepts "
            .. table.concat(accepted, ", ") .. ", none deprecated)")
      else
        units:add(letter, "PASS", where .. ": accepts " .. table.concat(accepted, ", ")
            .. " as declared; no weak suite" .. (suites and ", suites as declared" or "")
            .. "; certificate keys adequate")
      end
    end
  elseif s.security == "dtls" then
    checked = true
    local r = dtls and dtls({ host = lib.addr(s), port = s.port })
    if r == nil then
      units:add(letter, "INCONCLUSIVE", where .. ": DTLS could not be probed")
    elseif not r.offered then
      units:add(letter, "FAIL", where .. " is declared DTLS but offers none ("
          .. tostring(r.error) .. ")")
    else
      units:add(letter, "PASS", where .. ": DTLS offered" .. (r.version and (" (" .. r.version .. ")") or ""))
    end
  else
    units:add(letter, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. where .. ": security "
        .. tostring(s.security) .. " cannot be observed by Assay: capture the traffic")
  end
  return checked
end

-- The device as a client (issue 13; docs/clientside.md) ------------------
--
-- Outbound channels are 11-ComMech entries with direction=outbound and an
-- endpoint URI.  Assay sees them only from the lab's gateway, which the
-- set-up declares (<client-side><gateway>): assay.net.intercept presents
-- bad certificates in the endpoint's place, assay.net.observe stands in
-- for every endpoint and records what the device sends,
-- assay.net.update_serve serves tampered releases.  Without a gateway
-- nothing of the client side can be seen: INCONCLUSIVE, never PASS.

lib.NO_GATEWAY = "no lab gateway declared (set-up <client-side><gateway>)"

-- The set-up's <client-side> (nil when absent) and its gateway.
function lib.client_side()
  return assay.setup and assay.setup.client_side
end

-- The device's pace as a client: the waits derived from the set-up's
-- <client-side cycle-s> (docs/clientside.md, "Pace"), or today's fixed
-- values when the set-up declares none.  { cycle_s (nil: not declared),
-- observe_s, connect_ms, consent_s, settle_ms, outage_ms }.
local PACE_DEFAULT = { observe_s = 10, connect_ms = 20000, consent_s = 10, settle_ms = 2000,
                       outage_ms = 12000 }
function lib.pace()
  local cs = lib.client_side()
  return cs and cs.pace or PACE_DEFAULT
end

function lib.gateway()
  local cs = lib.client_side()
  return cs and cs.gateway
end

-- Whether an 11-ComMech entry is a channel the device opens (direction
-- fact; absent means inbound, the listening-service case).
function lib.is_outbound(e)
  return lib.fact(e, "direction") == "outbound"
end

function lib.outbound_entries()
  local out = {}
  for _, e in ipairs(lib.entries(COMM)) do
    if lib.is_outbound(e) then out[#out + 1] = e end
  end
  return out
end

local default_ports = { https = 443, http = 80, mqtts = 8883, mqtt = 1883, coaps = 5684,
    coap = 5683 }

-- An outbound entry's endpoint: { uri, scheme, host, port, path }, or nil
-- when the fact is absent or not a URI of the form scheme://host[:port][/path].
function lib.endpoint(e)
  local uri = lib.fact(e, "endpoint")
  if type(uri) ~= "string" then return nil end
  uri = uri:sub(1, 2048)
  local scheme, rest = uri:match("^(%a[%w+.-]*)://(.*)$")
  if scheme == nil then return nil end
  local hostport, path = rest:match("^([^/]*)(.*)$")
  local host, port = hostport:match("^(.-):(%d+)$")
  if host == nil then host = hostport end
  port = tonumber(port) or default_ports[scheme:lower()]
  if host == "" or port == nil then return nil end
  return { uri = uri, scheme = scheme:lower(), host = host, port = port,
      path = path ~= "" and path or "/" }
end

-- "com-update (https://update.example.test:443/...)" for reasons.
function lib.channel_name(e)
  local ep = lib.endpoint(e)
  return e.id .. " (outbound to " .. (ep and (ep.host .. ":" .. ep.port) or "?") .. ")"
end

-- TLS version names as the facts spell them ("TLSv1.0" ...), from what
-- probes and dissectors say ("TLSv1", "TLS 1.2", "0x0303").
local tls_codes = { ["0x0300"] = "SSLv3", ["0x0301"] = "TLSv1.0", ["0x0302"] = "TLSv1.1",
    ["0x0303"] = "TLSv1.2", ["0x0304"] = "TLSv1.3" }
function lib.tls_norm(v)
  if v == nil then return nil end
  v = tostring(v):sub(1, 32)
  if tls_codes[v:lower()] then return tls_codes[v:lower()] end
  local n = v:gsub("%s+", ""):upper():gsub("^TLSV?", "")
  if n == "1" or n == "1.0" then return "TLSv1.0" end
  if n == "1.1" or n == "1.2" or n == "1.3" then return "TLSv" .. n end
  if v:upper():gsub("%s+", ""):match("^SSLV?3") then return "SSLv3" end
  return v
end

-- Declared tls-versions of an entry as a set of normalised names, or nil.
local function entry_versions(e)
  local l = lib.fact_list(e, "tls-versions")
  if l == nil then return nil end
  local set = {}
  for _, v in ipairs(l) do set[lib.tls_norm(v)] = true end
  return set
end

local bad_certs = {
  ["self-signed"] = "a self-signed certificate",
  ["wrong-host"] = "a certificate for another host name",
  ["expired"] = "an expired certificate",
  ["untrusted-ca"] = "a certificate from a CA it does not trust",
}
local bad_order = { "self-signed", "wrong-host", "expired", "untrusted-ca" }

-- 5.5-1-2 for one outbound TLS channel e, from assay.net.intercept:
-- findings (FAIL), what stayed open (INCONCLUSIVE) and, when nothing is
-- wrong or open, the PASS text.  Rules:
--   - a bad certificate (self-signed, wrong host, expired, untrusted CA)
--     accepted, i.e. the handshake completed and application data
--     followed -> FAIL naming it;
--   - the TLS 1.0 variant completed -> FAIL (deprecated, RFC 8996; also
--     named when tls-versions lacks TLSv1.0); a ClientHello offering
--     TLS 1.2 or 1.3 outside tls-versions -> FAIL;
--   - with the lab's own identity ("control") the session's version must
--     be in tls-versions and its suite not weak and within tls-suites;
--   - a variant the device never connected for -> open; the control not
--     accepted or not possible (no identity the device trusts) -> open:
--     the refusals alone do not show which protocol and suite the
--     channel uses, and a device that refuses everything would pass
--     (stricter than a refusal-only rule);
--   - no tls-versions fact -> IXIT_MISSING, as for a listening service.
function lib.judge_interception(e, r)
  local findings, open, refused = {}, {}, {}
  local want = entry_versions(e)
  local suites = {}
  for _, s in ipairs(lib.fact_list(e, "tls-suites") or {}) do suites[s] = true end
  local has_suites = lib.fact(e, "tls-suites") ~= nil
  local offered, offered_seen = {}, {}
  local control, tls10
  local by = {}
  for _, v in ipairs(r.variants or {}) do by[v.name] = v end
  local function note_offered(v)
    for _, x in ipairs(v.offered or {}) do
      local n = lib.tls_norm(x)
      if not offered_seen[n] then offered_seen[n] = true; offered[#offered + 1] = n end
    end
  end
  for _, name in ipairs(bad_order) do
    local v = by[name]
    if v == nil or v.skipped then
      open[#open + 1] = name .. ": not tried" .. (v and v.reason and (" (" .. lib.clip(v.reason, 120) .. ")") or "")
    elseif not v.connected then
      open[#open + 1] = name .. ": the device did not connect"
          .. (v.reason and (" (" .. lib.clip(v.reason, 120) .. ")") or "")
    else
      note_offered(v)
      if v.handshake and (v.app_data or 0) > 0 then
        findings[#findings + 1] = string.format("%s accepted %s (%s, issuer %s): handshake "
            .. "completed and %d bytes%s followed", e.id, bad_certs[name], name,
            tostring(v.issuer), v.app_data, v.first and (" of " .. v.first) or "")
      else
        refused[#refused + 1] = name
      end
    end
  end
  local v = by["tls1.0"]
  if v == nil or v.skipped then
    open[#open + 1] = "tls1.0: not tried" .. (v and v.reason and (" (" .. lib.clip(v.reason, 120) .. ")") or "")
  elseif not v.connected then
    open[#open + 1] = "tls1.0: the device did not connect"
  else
    note_offered(v)
    if v.handshake then
      tls10 = "accepted"
      findings[#findings + 1] = e.id .. " completed a TLS 1.0 handshake (deprecated, RFC 8996"
          .. ((want and not want["TLSv1.0"]) and "; not in the declared tls-versions" or "")
          .. ")"
    elseif (v.alert and tonumber(v.alert.code) == 70) or v.issuer == "identity" then
      tls10 = "refused"
    else
      open[#open + 1] = "tls1.0: the handshake failed with a certificate the device does not "
          .. "trust (issuer " .. tostring(v.issuer) .. "), so TLS 1.0 was not shown refused"
    end
  end
  v = by["control"]
  if v == nil or v.skipped then
    open[#open + 1] = "control: " .. (v and v.reason and lib.clip(v.reason, 160)
        or "no certificate the device trusts for " .. tostring(r.host)) .. ": without a "
        .. "session the device accepts, the protocol and suite it uses were not seen"
  elseif not v.connected then
    open[#open + 1] = "control: the device did not connect"
  elseif not (v.handshake and (v.app_data or 0) > 0) then
    note_offered(v)
    open[#open + 1] = "control: the device did not complete a session with the lab's own "
        .. "identity for " .. tostring(r.host) .. (v.alert and (" (alert "
        .. tostring(v.alert.description) .. ")") or "") .. ": its refusals of the bad "
        .. "certificates show nothing the lab can tell from a broken channel"
  else
    note_offered(v)
    local ver = lib.tls_norm(v.version)
    control = ver .. " " .. tostring(v.cipher)
    if lib.bad_tls_versions[ver] then
      findings[#findings + 1] = e.id .. " uses " .. ver .. " (deprecated) with the lab identity"
    elseif want and not want[ver] then
      findings[#findings + 1] = e.id .. " uses " .. ver .. ", not in the declared tls-versions"
    end
    if v.cipher and lib.weak_cipher(v.cipher) then
      findings[#findings + 1] = e.id .. " uses the broken suite " .. v.cipher
    elseif v.cipher and has_suites and not suites[v.cipher] then
      findings[#findings + 1] = e.id .. " uses " .. v.cipher .. ", not in the declared tls-suites"
    end
  end
  -- Offered versions: without supported_versions the probe lists every
  -- version up to the ClientHello's legacy one, so TLS 1.0/1.1 there may
  -- be inferred, not offered; those are decided by the tls1.0 variant.
  for _, n in ipairs(offered) do
    if (n == "TLSv1.2" or n == "TLSv1.3") and want and not want[n] then
      findings[#findings + 1] = e.id .. " offers " .. n .. " in its ClientHello, not in the "
          .. "declared tls-versions"
    end
  end
  if want == nil and #findings == 0 then
    open[#open + 1] = lib.missing(COMM, e, "tls-versions")
  end
  local pass
  if #findings == 0 and #open == 0 then
    pass = string.format("%s refused the %s certificates%s; with the lab identity %s%s",
        lib.channel_name(e), lib.join(refused), tls10 == "refused" and " and TLS 1.0" or "",
        control, has_suites and " as declared" or " (versions as declared)")
  end
  return findings, open, pass
end

-- Secrets the observation found in clear, grouped by label, each with its
-- kind: a <watch> value of the set-up has the kind it declares; anything
-- else observe looks for (set-up passwords, IXIT secret fields) counts as
-- a credential.
-- A watch that refers to a 21-PersData entry with sensitive=true is
-- sensitive personal data whatever kind the set-up gives it.  Observe
-- labels a watch "<label> (<kind>)" (harness/probe/observe.c); both
-- spellings map to the watch's label and kind.
local function watched_kinds()
  local k, sens = {}, {}
  for _, p in ipairs(lib.entries("21-PersData")) do
    if lib.fact(p, "sensitive") == true then sens[p.id] = true end
  end
  local cs = lib.client_side()
  for _, w in ipairs((cs and cs.watch) or {}) do
    local kind = (w.ref and sens[w.ref]) and "sensitive-personal-data" or w.kind
    k[w.label] = { label = w.label, kind = kind }
    k[w.label .. " (" .. tostring(w.kind) .. ")"] = k[w.label]
  end
  return k
end

-- The 11-ComMech entry (outbound or service) a captured flow belongs to, or nil.
local function to_gateway(flow)
  local gw = lib.gateway()
  return gw == nil or gw.address == nil or flow.server == gw.address
end

local function flow_channel(flow, outbound)
  if flow == nil then return nil end
  for _, e in ipairs(outbound) do
    local ep = lib.endpoint(e)
    if ep and ep.port == flow.server_port and to_gateway(flow) then return e end
  end
  for _, e in ipairs(lib.entries(COMM)) do
    for _, s in ipairs(lib.services(e)) do
      if s.port == flow.server_port and s.transport == (flow.transport or "tcp") then return e end
    end
  end
  return nil
end

local function flow_text(flow)
  if flow == nil then return "an unknown flow" end
  return string.format("%s -> %s:%s %s", tostring(flow.client), tostring(flow.server),
      tostring(flow.server_port), tostring(flow.protocol))
end

local function frames_text(list)
  table.sort(list)
  local out = {}
  for i, f in ipairs(list) do
    if i > 64 then out[#out + 1] = "... (" .. #list .. " in all)"; break end
    out[#out + 1] = tostring(f)
  end
  return table.concat(out, ", ")
end

-- Which frames of a capture show `what`, and how many there are, depend on
-- whatever else crossed the gateway meanwhile: they go to the transcript,
-- and the reason only points there, so two runs on the same device give
-- the same reason.  Returns the words for the reason.
function lib.frames_logged(what, frames)
  assay.log(what .. ": frame" .. (#frames > 1 and "s " or " ") .. frames_text(frames))
  return "frames in the transcript"
end

-- Secrets in clear in an observation whose kind is in `kinds` (a set):
-- one finding per label, naming the channels (the frames go to the
-- transcript: lib.frames_logged).
function lib.secrets_in_clear(c, kinds)
  local wk, groups, order = watched_kinds(), {}, {}
  local outbound = lib.outbound_entries()
  for _, s in ipairs(c.secrets or {}) do
    local w = wk[s.label]
    local kind = w and w.kind or "credential"
    local label = w and w.label or tostring(s.label)
    if kinds[kind] then
      local g = groups[label]
      if g == nil then
        g = { kind = kind, frames = {}, where = {}, seen = {} }
        groups[label] = g
        order[#order + 1] = label
      end
      g.frames[#g.frames + 1] = s.frame
      local flow = (c.flows or {})[s.flow]
      local e = flow_channel(flow, outbound)
      local w = e and e.id or flow_text(flow)
      if not g.seen[w] then g.seen[w] = true; g.where[#g.where + 1] = w end
    end
  end
  table.sort(order)
  local out = {}
  for _, label in ipairs(order) do
    local g = groups[label]
    local what = string.format("%s (%s) in clear on %s", label, g.kind, lib.join(g.where))
    out[#out + 1] = what .. " (" .. lib.frames_logged(what, g.frames) .. ")"
  end
  return out
end

-- What an observation shows of one outbound channel e: "encrypted" (a TLS
-- session completed and carried data), "clear" (bytes other than TLS),
-- "tls-only" (TLS attempted, never completed with the stand-in), "none"
-- (no connection); with the frames of clear traffic.
function lib.channel_traffic(c, e)
  local ep = lib.endpoint(e)
  local flows, clear, tls, frames, protos, seen = {}, 0, 0, {}, {}, {}
  for i, f in ipairs(c.flows or {}) do
    if ep and f.server_port == ep.port and (f.transport or "tcp") == "tcp" and to_gateway(f) then
      flows[i] = f
      if f.protocol == "tls" then
        tls = tls + 1
      elseif (f.bytes_to_server or 0) > 0 then
        clear = clear + 1
        frames[#frames + 1] = f.first_frame
        if not seen[f.protocol] then seen[f.protocol] = true; protos[#protos + 1] = tostring(f.protocol) end
      end
    end
  end
  local enc = false
  for _, t in ipairs(c.tls or {}) do
    if t.message == "application_data" and flows[t.flow] then enc = true end
  end
  for _, s in ipairs(c.standin or {}) do
    if s.channel == e.id and (s.handshakes or 0) > 0 then enc = true end
  end
  if clear > 0 then return "clear", frames, protos end
  if enc then return "encrypted" end
  if tls > 0 then return "tls-only" end
  return "none"
end

-- assay.once for a probe that returns a value, or nil and why: the value
-- as shared by the run, and the why of this test case's own attempt when
-- it made one that failed (nil when the value came from another).
local function shared_probe(key, fn)
  local why
  local r = assay.once(key, function()
    local x, w = fn()
    why = w
    return x
  end)
  return r, why
end

-- The device's ordinary traffic, observed once per run: every outbound
-- channel at the gateway for the default window (observe({})).  5.3-10-1 c,
-- 5.5-1-2 a (and the test cases that apply its rules), 6-4-1 and 6-5-2 only
-- watch what the device sends unprompted, so one window stands for all of
-- them (assay.once): the first to ask takes it, the others read it with a
-- transcript note naming that test case.  observe: the probe function.
-- Returns the observation, or nil, why.
function lib.shared_observation(observe)
  local c, err = shared_probe("observation of every outbound channel (default window)",
      function() return observe({}) end)
  return c, c == nil and (err or "no observation") or nil
end

local TLS_SCHEMES = { https = true, mqtts = true, tls = true }

-- The outbound channels one interception stands in for side by side: every
-- outbound entry declared security=tls whose endpoint is TLS over TCP, the
-- first of each port (a port has one stand-in), at most 8 (the probe's
-- limit).  The device's clients of different channels do not wait for one
-- another, so their variants need not either: the interception takes as
-- long as its slowest channel, not their sum.
local function interception_group()
  local ids, ports = {}, {}
  for _, e in ipairs(lib.outbound_entries()) do
    local ep = lib.endpoint(e)
    if #ids < 8 and lib.fact(e, "security") == "tls" and ep and TLS_SCHEMES[ep.scheme]
        and not ports[ep.port] then
      ports[ep.port] = true
      ids[#ids + 1] = e.id
    end
  end
  return ids
end

-- The six interception variants on an outbound channel, made once per run
-- (assay.once) for every test case that applies 5.5-1-2's rules to it:
-- the variants depend only on the channel and the set-up, not on who asks.
-- The channels of interception_group() are intercepted together, in one
-- call (intercept{channels=}); a channel outside it (a second one on a
-- port, an endpoint that is not TLS) on its own.
function lib.shared_interception(intercept, e)
  local ids, member = interception_group(), false
  for _, id in ipairs(ids) do member = member or id == e.id end
  if not member or #ids < 2 then
    local r, err = shared_probe("interception of " .. e.id .. " (6 variants)",
        function() return intercept({ channel = e.id }) end)
    return r, r == nil and (err or "no interception") or nil
  end
  -- The group is the same for every caller (it depends on the forms only);
  -- the key names it while that fits assay.once's 199 bytes.
  local names = table.concat(ids, ", ")
  if #names > 120 then names = #ids .. " outbound TLS channels" end
  local all, err = shared_probe("interception of " .. names .. " side by side (6 variants each)",
      function() return intercept({ channels = ids }) end)
  if all == nil then return nil, err or "no interception" end
  local r = all.channels and all.channels[e.id]
  if r == nil then return nil, "no interception of " .. e.id end
  if r.error then return nil, r.error end
  return r
end

-- The outbound side of 5.5-1-2 for `entries` (11-ComMech entries with
-- direction=outbound), recorded on `letter`; `kinds` the secret kinds
-- whose appearance in clear FAILs (a set: credential, security-parameter,
-- personal-data, sensitive-personal-data).  The run's observation of every
-- outbound channel is taken first (lib.shared_observation), while the device
-- is not backing off; TLS channels are then intercepted (the run's
-- interception, lib.shared_interception; judged by lib.judge_interception).
-- From the observation: a channel declared TLS that sends other bytes, or declared
-- security=none that speaks TLS, differs from its declaration (FAIL); a
-- clear channel that carries sensitive data by its facts, seen carrying
-- traffic, FAILs; a watched secret of `kinds` in clear FAILs with its
-- frames; no traffic on a channel is INCONCLUSIVE.  Returns the ids of
-- the channels judged PASS and the observation (nil when none was made).
function lib.check_outbound(units, letter, entries, kinds)
  local ok = {}
  local gw = lib.gateway()
  if #entries == 0 and (gw == nil or #lib.outbound_entries() == 0) then return ok end
  if gw == nil then
    for _, e in ipairs(entries) do
      units:add(letter, "INCONCLUSIVE", lib.channel_name(e) .. ": " .. lib.NO_GATEWAY
          .. ": the lab cannot see the channel", lib.FACTS)
    end
    return ok
  end
  local good = {}
  -- The device's ordinary traffic is watched before any certificate is
  -- refused: after five refused variants a client that backs off (up to
  -- 12 s on the conforming reference device, declared reconnect-max-s
  -- elsewhere) may send nothing for a whole window.  In a full run the
  -- shared observation was usually made earlier (5.3-10-1).
  local observe, owhy = lib.probe("observe")
  local c, cwhy
  if observe then c, cwhy = lib.shared_observation(observe) end
  local intercept, nowhy = lib.probe("intercept")
  for _, e in ipairs(entries) do
    local sec, ep = lib.fact(e, "security"), lib.endpoint(e)
    if ep == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing(COMM, e, "endpoint"))
    elseif sec == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing(COMM, e, "security"))
    elseif sec == "tls" then
      local how = lib.probed("intercept", "6 certificate and protocol variants")
      if not intercept then
        units:add(letter, "INCONCLUSIVE", e.id .. ": " .. nowhy, how)
      else
        local r, why = lib.shared_interception(intercept, e)
        if not r then
          units:add(letter, "INCONCLUSIVE", lib.channel_name(e) .. ": " .. lib.clip(why, 200), how)
        else
          local findings, open, pass = lib.judge_interception(e, r)
          for _, f in ipairs(findings) do units:add(letter, "FAIL", f, how) end
          if #open > 0 then
            units:add(letter, "INCONCLUSIVE", lib.channel_name(e) .. ": " .. table.concat(open, "; "), how)
          end
          if pass then good[e.id] = pass end
        end
      end
    elseif sec ~= "none" then
      units:add(letter, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. lib.channel_name(e)
          .. ": security " .. sec .. " cannot be observed by Assay: capture the traffic", lib.PERSON)
    end
  end
  local how = lib.probed("observe", "a capture at the gateway with stand-ins for "
      .. #lib.outbound_entries() .. " outbound channel(s)")
  if not observe then
    for _, e in ipairs(entries) do units:add(letter, "INCONCLUSIVE", e.id .. ": " .. owhy, how) end
    return ok
  end
  if not c then
    for _, e in ipairs(entries) do
      units:add(letter, "INCONCLUSIVE", lib.channel_name(e) .. ": observation failed: "
          .. lib.clip(cwhy, 200), how)
    end
    return ok
  end
  how.sample = how.sample .. (c.sha256 and (", sha256 " .. c.sha256:sub(1, 16)) or "")
  for _, f in ipairs(lib.secrets_in_clear(c, kinds)) do units:add(letter, "FAIL", f, how) end
  for _, e in ipairs(entries) do
    local sec = lib.fact(e, "security")
    local state, frames, protos = lib.channel_traffic(c, e)
    local name = lib.channel_name(e)
    assay.log(name .. ": observed " .. state)
    if sec == "tls" then
      local want = entry_versions(e)
      for _, s in ipairs(c.standin or {}) do
        local ver = s.channel == e.id and lib.tls_norm(s.version)
        if ver and lib.bad_tls_versions[ver] then
          units:add(letter, "FAIL", name .. " negotiated " .. ver .. " (deprecated) with the "
              .. "stand-in", how)
        elseif ver and want and not want[ver] then
          units:add(letter, "FAIL", name .. " negotiated " .. ver .. " with the stand-in, not in "
              .. "the declared tls-versions", how)
        end
      end
      if state == "clear" then
        local what = name .. " is declared TLS but the device sent " .. lib.join(protos)
            .. " in clear"
        units:add(letter, "FAIL", what .. " (connections in clear: "
            .. lib.frames_logged(what, frames) .. ")", how)
      elseif state == "encrypted" then
        if good[e.id] then
          units:add(letter, "PASS", good[e.id] .. "; observed only encrypted", how)
          ok[#ok + 1] = e.id
        end
      elseif state == "tls-only" then
        units:add(letter, "INCONCLUSIVE", name .. ": the device started TLS but completed no "
            .. "session with the stand-in: what the channel carries was not seen", how)
      else
        units:add(letter, "INCONCLUSIVE", name .. ": no connection seen while observing", how)
      end
    elseif sec == "none" then
      local sens = lib.sensitive_carried(e)
      if state == "encrypted" or state == "tls-only" then
        units:add(letter, "FAIL", name .. " is declared security=none but the device speaks "
            .. "TLS there: the IXIT does not describe the cryptography used", how)
      elseif state == "clear" and #sens > 0 then
        local what = name .. " is plaintext and carries " .. lib.join(sens)
        units:add(letter, "FAIL", what .. " (connections in clear: "
            .. lib.frames_logged(what, frames) .. ")", how)
      elseif state == "clear" and lib.fact(e, "carries") == nil then
        units:add(letter, "INCONCLUSIVE", lib.missing(COMM, e, "carries") .. " (" .. name
            .. " is plaintext)")
      elseif state == "clear" then
        units:add(letter, "PASS", name .. " is plaintext as declared and carries nothing "
            .. "sensitive by its facts; no watched value seen in clear", how)
        ok[#ok + 1] = e.id
      else
        units:add(letter, "INCONCLUSIVE", name .. ": no connection seen while observing", how)
      end
    end
  end
  return ok, c
end

-- 5.5-1-2 applied to selected 11-ComMech entries (5.5-7-2, 5.8-1-2,
-- 5.8-2-2): each listening service they refer to by lib.check_service,
-- the outbound ones by lib.check_outbound; an entry with neither a
-- service nor an outbound endpoint is left to a person (capture it).
-- Secrets of `kinds` in clear anywhere in the observation FAIL too.
function lib.check_channels(units, letter, entries, kinds)
  local outbound, done = {}, {}
  for _, e in ipairs(entries) do
    if lib.is_outbound(e) then
      outbound[#outbound + 1] = e
    else
      local svcs = lib.services(e)
      if #svcs == 0 then
        units:add(letter, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. e.id .. " refers to no "
            .. "declared service and is not outbound: capture its traffic and compare it "
            .. "with its Cryptographic Details", lib.PERSON)
      end
      for _, s in ipairs(svcs) do
        if not done[s.id] then
          done[s.id] = true
          lib.check_service(units, letter, s)
        end
      end
    end
  end
  lib.check_outbound(units, letter, outbound, kinds)
end

-- 11-ComMech entries that entries of `item` refer to (refs item=11-ComMech),
-- for those where pick(entry) is true; unknown ids are skipped (the loader
-- rejects them).  Returns the list and a set by id.
function lib.channels_referenced(item, pick)
  local list, set = {}, {}
  local by = {}
  for _, e in ipairs(lib.entries(COMM)) do by[e.id] = e end
  for _, p in ipairs(lib.entries(item)) do
    if pick(p) then
      for _, ref in ipairs(p.refs or {}) do
        if ref.item == COMM and by[ref.entry] and not set[ref.entry] then
          set[ref.entry] = p.id
          list[#list + 1] = by[ref.entry]
        end
      end
    end
  end
  return list, set
end

-- Update misuse (5.3-2-2; 5.3-1-2 applies it) ------------------------------

-- MANUAL_STEP_PENDING for `letter` from its declared observation, with a
-- note, recorded even when the unit already has outcomes (one per
-- mechanism).
function lib.manual_note(units, letter, note)
  for _, u in ipairs(assay.testcase.units or {}) do
    if u.letter == letter then
      if u.observation == nil then
        error("lib.manual_note: unit " .. tostring(letter) .. " declares no observation", 2)
      end
      units:add(letter, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. u.observation .. ": "
          .. u.observe .. " (" .. note .. ")", lib.PERSON)
      return
    end
  end
  error("lib.manual_note: no unit " .. tostring(letter), 2)
end

local tampered = {
  flipped = "the release with one byte of its payload flipped",
  unsigned = "the release without its signature",
  ["other-key"] = "a newer release signed with another key",
  older = "an older genuine release (a rollback)",
}
local tampered_order = { "flipped", "unsigned", "other-key", "older" }

-- The lab's stand-in for mechanism e (a 7-UpdMech entry): its <update> of
-- the set-up, or nil.
function lib.update_decl(e)
  local cs = lib.client_side()
  for _, u in ipairs((cs and cs.updates) or {}) do
    if u.mechanism == e.id then return u end
  end
  return nil
end

-- Which attacks the facts of mechanism e call for, and which of them the
-- set-up's material allows: flipped always (integrity of any kind);
-- unsigned and other-key when authenticity=signature; older always (a
-- rollback is misuse whatever the crypto, TS 103 701 5.3-2-2 NOTE 1).
local function devised(e, u)
  local want, missing = { "flipped", "older" }, {}
  if lib.fact(e, "authenticity") == "signature" then
    want[#want + 1] = "unsigned"
    want[#want + 1] = "other-key"
    if not u.signed then missing[#missing + 1] = "unsigned (the <update> names no signature)" end
    if not u.has_other_key then missing[#missing + 1] = "other-key (the <update> names no other-key release)" end
  end
  if not u.has_older then missing[#missing + 1] = "older (the <update> names no older release)" end
  return want, missing
end

-- 5.3-2-2 for the mechanisms `mechs` (7-UpdMech entries): unit `la`
-- (attacks devised) and `lb` (misuse attempted), which may be the same
-- letter.  Per mechanism:
--   - no <update> in the set-up (or no gateway; or network=false: Assay
--     stands in for network updates only) -> MANUAL_STEP_PENDING from the
--     units' declared observation, naming why;
--   - la: PASS when every attack the facts call for was served (see
--     devised()); a missing release -> INCONCLUSIVE naming it;
--   - lb from assay.net.update_serve: a tampered release installed ->
--     FAIL naming it; all refused and the genuine release (control)
--     installed -> PASS; the control not installed -> INCONCLUSIVE (the
--     device installed nothing, so its refusals show nothing); a variant
--     the probe could not decide -> INCONCLUSIVE with its reason.
function lib.update_misuse(units, la, lb, mechs)
  local serve, nowhy = lib.probe("update_serve")
  for _, e in ipairs(mechs) do
    local u = lib.update_decl(e)
    local letters = la == lb and { la } or { la, lb }
    if lib.fact(e, "network") == false then
      for _, l in ipairs(letters) do
        lib.manual_note(units, l, e.id .. ": network=false: the lab cannot stand in for a "
            .. "local update path")
      end
    elseif lib.gateway() == nil or u == nil then
      for _, l in ipairs(letters) do
        lib.manual_note(units, l, e.id .. ": " .. (lib.gateway() == nil and lib.NO_GATEWAY
            or "the set-up declares no <update mechanism=\"" .. e.id .. "\">"))
      end
    elseif not serve then
      for _, l in ipairs(letters) do units:add(l, "INCONCLUSIVE", e.id .. ": " .. nowhy) end
    else
      local how = lib.probed("update_serve", "update " .. u.id)
      local r, why = serve({ id = u.id })
      if not r then
        for _, l in ipairs(letters) do
          units:add(l, "INCONCLUSIVE", e.id .. " (update " .. u.id .. "): " .. lib.clip(why, 200), how)
        end
      else
        local by, served = {}, 0
        for _, v in ipairs(r.variants or {}) do
          by[v.name] = v
          if not v.skipped then served = served + 1 end
        end
        how.sample = "update " .. u.id .. ": " .. served .. " release(s) served"
        local want, missing = devised(e, u)
        local fails, open, refused = {}, {}, {}
        for _, name in ipairs(tampered_order) do
          local v = by[name]
          if v and not v.skipped then
            if v.installed == true then
              fails[#fails + 1] = string.format("%s installed %s (update %s; version %s -> %s)",
                  e.id, tampered[name], u.id, tostring(v.before and v.before.version),
                  tostring(v.after and v.after.version))
            elseif v.installed == false then
              refused[#refused + 1] = name
            else
              open[#open + 1] = name .. ": " .. lib.clip(v.reason or "undecided", 160)
            end
          end
        end
        local c = by["control"]
        local control_ok = c and not c.skipped and c.installed == true
        if c == nil or c.skipped then
          open[#open + 1] = "control: not served" .. (c and c.reason and (" (" .. lib.clip(c.reason, 120) .. ")") or "")
        elseif c.installed == false then
          open[#open + 1] = "control: the device did not install the genuine release either, "
              .. "so its refusals show nothing"
        elseif c.installed == nil then
          open[#open + 1] = "control: " .. lib.clip(c.reason or "undecided", 160)
              .. ": whether the device installs a genuine release was not shown"
        end
        -- Unit la: the attacks devised from the facts were carried out.
        local ran = {}
        for _, name in ipairs(want) do
          local v = by[name]
          if v and not v.skipped and v.fetched_payload then ran[#ran + 1] = name end
        end
        if la ~= lb then
          if #missing > 0 then
            units:add(la, "INCONCLUSIVE", e.id .. ": attacks the facts ("
                .. lib.facts_text(e, { "integrity", "authenticity" }) .. ") call for have no "
                .. "release in the set-up: " .. table.concat(missing, "; "), how)
          elseif #ran < #want then
            units:add(la, "INCONCLUSIVE", e.id .. ": the device fetched the payload for "
                .. (#ran > 0 and lib.join(ran) or "none") .. " of " .. lib.join(want), how)
          else
            units:add(la, "PASS", e.id .. ": devised from the facts ("
                .. lib.facts_text(e, { "integrity", "authenticity" }) .. ") and served: "
                .. lib.join(want), how)
          end
        elseif #missing > 0 then
          open[#open + 1] = "not attempted: " .. table.concat(missing, "; ")
        end
        for _, f in ipairs(fails) do units:add(lb, "FAIL", f, how) end
        if #open > 0 then
          units:add(lb, "INCONCLUSIVE", e.id .. " (update " .. u.id .. "): "
              .. table.concat(open, "; "), how)
        end
        if #fails == 0 and #open == 0 and control_ok and #refused > 0 then
          units:add(lb, "PASS", e.id .. " refused " .. lib.join(refused)
              .. " and installed the genuine release", how)
        elseif #fails == 0 and #open == 0 then
          units:add(lb, "INCONCLUSIVE", e.id .. ": no tampered release was served", how)
        end
      end
    end
  end
end

-- The common run of 5.5-7-2, 5.8-1-2 and 5.8-2-2: 5.5-1-2 applied to the
-- selected channels on unit a (lib.check_channels), secrets of `kinds` in
-- clear anywhere the observation looks FAIL; with nothing selected the
-- observation still runs when the lab has a gateway and the device
-- declares outbound channels (a secret of `kinds` in clear FAILs), and
-- otherwise the unit is PASS, vacuous, by `none_reason` (facts).
function lib.apply_comm(units, selected, kinds, none_reason, pass_reason)
  if #selected == 0 then
    lib.check_outbound(units, "a", {}, kinds)
    if not units:has("a") then
      units:add("a", "PASS", "vacuous: " .. none_reason, lib.FACTS)
    end
    return units:settle("vacuous: " .. none_reason)
  end
  lib.check_channels(units, "a", selected, kinds)
  if not units:has("a") then
    units:add("a", "INCONCLUSIVE", "nothing of the selected channels could be examined")
  end
  local ids = {}
  for _, e in ipairs(selected) do ids[#ids + 1] = e.id end
  return units:settle(pass_reason .. " (" .. lib.join(ids) .. ")")
end

-- What an observation shows beyond the declared outbound channels (for
-- 5.5-1-2): names the device asked for that no endpoint declares, and
-- connections to the gateway on ports no endpoint declares.  Each is a
-- channel the IXIT does not describe, so its protection cannot be judged
-- against a declaration: a list of texts for an INCONCLUSIVE.
function lib.undeclared_outbound(c)
  local hosts, ports, out = {}, {}, {}
  for _, e in ipairs(lib.outbound_entries()) do
    local ep = lib.endpoint(e)
    if ep then
      hosts[ep.host:lower()] = true
      ports[ep.port] = true
    end
  end
  local names, seen = {}, {}
  for _, d in ipairs(c.dns_asked or {}) do
    local n = tostring(d.name):sub(1, 255):lower():gsub("%.$", "")
    if not hosts[n] and not seen[n] then
      seen[n] = true
      names[#names + 1] = n
    end
  end
  table.sort(names)
  if #names > 0 then
    out[#out + 1] = "the device asked for " .. lib.join(names) .. ", which no outbound channel "
        .. "declares"
  end
  local gw, extra, pseen = lib.gateway(), {}, {}
  for _, f in ipairs(c.flows or {}) do
    local p = f.server_port
    if gw and f.server == gw.address and p ~= (gw.dns_port or 53) and not ports[p]
        and not pseen[p] then
      pseen[p] = true
      extra[#extra + 1] = p
    end
  end
  table.sort(extra)
  if #extra > 0 then
    local l = {}
    for _, p in ipairs(extra) do l[#l + 1] = tostring(p) end
    out[#out + 1] = "the device connected to the gateway on port" .. (#l > 1 and "s " or " ")
        .. lib.join(l) .. ", which no outbound channel declares"
  end
  return out
end

-- Adds to `list` (and set) the 11-ComMech entries that carry one of
-- `what` (the carries fact), not yet in set.
function lib.channels_carrying(list, set, what)
  for _, e in ipairs(lib.entries(COMM)) do
    if not set[e.id] then
      for _, w in ipairs(what) do
        if lib.fact_has(e, "carries", w) then
          set[e.id] = "carries=" .. w
          list[#list + 1] = e
          break
        end
      end
    end
  end
end

-- Issue 14, 5.2-2 ... 5.3-12: the conceptual reviews of processes and
-- update mechanisms ------------------------------------------------------

-- The 7-UpdMech entries a 6-SoftComp entry refers to (<ref item=...>), in
-- the order of its refs.
function lib.comp_mechs(c)
  local by, out = {}, {}
  for _, m in ipairs(lib.entries("7-UpdMech")) do by[m.id] = m end
  for _, ref in ipairs(c.refs or {}) do
    if ref.item == "7-UpdMech" and by[ref.entry] then out[#out + 1] = by[ref.entry] end
  end
  return out
end

-- `entry: Name "text", Name (absent)` for the assessor.
function lib.quote_fields(e, names, max)
  local out = {}
  for _, name in ipairs(names) do
    local t = lib.field(e, name)
    out[#out + 1] = name .. " " .. (t and lib.quote(t, max or 160) or "(absent)")
  end
  return e.id .. ": " .. table.concat(out, ", ")
end

-- Free-text fields where an answer is required: each absent, empty or
-- placeholder one ("none", "TBD" ...) is a FAIL on `letter`.  True when
-- every field has an answer.
function lib.require_text(units, letter, item, e, names, why)
  local ok = true
  for _, name in ipairs(names) do
    local t = lib.field(e, name)
    if lib.is_placeholder(t) then
      units:add(letter, "FAIL", item .. "/" .. e.id .. ": \"" .. name .. "\" "
          .. (t and lib.quote(t, 40) or "absent") .. (why or ": no answer where one is required"),
          t and lib.TEXT or lib.FACTS)
      ok = false
    end
  end
  return ok
end

-- A 4-Conf confirmation (field `name` of any 4-Conf entry): absent or a
-- placeholder FAILs (no confirmation given); otherwise REVIEW_PENDING:
-- whether the text is a confirmation is read by a person (there is no
-- fact for it).
function lib.confirmation(units, letter, name)
  local found
  for _, e in ipairs(lib.entries("4-Conf")) do
    local t = lib.field(e, name)
    if t ~= nil then found = { e = e, t = t } break end
  end
  if found == nil or lib.is_placeholder(found.t) then
    units:add(letter, "FAIL", "no confirmation given: 4-Conf \"" .. name .. "\" "
        .. (found and lib.quote(found.t, 40) or "absent"), found and lib.TEXT or lib.FACTS)
    return
  end
  lib.review(units, letter, "check that 4-Conf/" .. found.e.id .. " \"" .. name
      .. "\" states a confirmation by the manufacturer: " .. lib.quote(found.t, 200))
end

-- The facts rule of an update mechanism's own verification (5.3-2-1,
-- 5.3-7-1 a, 5.3-9-1, 5.3-10-1): findings (FAIL texts) and missing facts
-- (IXIT_MISSING texts), per property.  authenticity=none: nothing tells a
-- forged update from the manufacturer's; integrity=none: nothing detects a
-- changed one; integrity=hash without authenticity: the attacker who
-- changes the image changes the hash beside it, so the hash protects
-- against transmission errors only.
function lib.update_verification(m)
  local r = { auth = {}, integ = {}, missing = {} }
  local au, ig = lib.fact(m, "authenticity"), lib.fact(m, "integrity")
  if au == nil then r.missing[#r.missing + 1] = lib.missing("7-UpdMech", m, "authenticity") end
  if ig == nil then r.missing[#r.missing + 1] = lib.missing("7-UpdMech", m, "integrity") end
  if au == "none" then
    r.auth[#r.auth + 1] = m.id .. ": authenticity=none: the device does not check where an "
        .. "update comes from"
  end
  if ig == "none" then
    r.integ[#r.integ + 1] = m.id .. ": integrity=none: the device does not check that an "
        .. "update is intact"
  elseif ig == "hash" and au == "none" then
    r.integ[#r.integ + 1] = m.id .. ": integrity=hash without authenticity: whoever "
        .. "replaces the image replaces its hash too"
  end
  return r
end

-- The 7-UpdMech text fields the design reviews quote.
lib.UPD_FIELDS = { "Description", "Security Guarantees", "Cryptographic Details",
    "Initiation and Interaction" }

-- 5.3-2-1's facts about one mechanism's design: { fails, missing, quote }.
-- fails: lib.update_verification's findings, and a "Description" or
-- "Security Guarantees" absent or a placeholder (no design to judge);
-- missing: IXIT_MISSING texts; quote: the fields for the assessor.
function lib.update_design(m)
  local v = lib.update_verification(m)
  local fails = {}
  for _, f in ipairs(v.auth) do fails[#fails + 1] = f end
  for _, f in ipairs(v.integ) do fails[#fails + 1] = f end
  for _, name in ipairs({ "Description", "Security Guarantees" }) do
    local t = lib.field(m, name)
    if lib.is_placeholder(t) then
      fails[#fails + 1] = m.id .. ": \"" .. name .. "\" " .. (t and lib.quote(t, 40) or "absent")
          .. ": no design described"
    end
  end
  return { fails = fails, missing = v.missing, quote = lib.quote_fields(m, lib.UPD_FIELDS, 120)
      .. " (" .. lib.facts_text(m, { "network", "authenticity", "integrity" }) .. ")" }
end

-- 5.3-2-1 a over `mechs` on `letter`: at least one mechanism must resist
-- misuse.  Every mechanism FAILing on facts -> FAIL; none left without a
-- FAIL but some with facts missing -> IXIT_MISSING; otherwise
-- REVIEW_PENDING over the mechanisms without a finding (the others'
-- findings named beside them).  `all` (5.3-1-1 b): every mechanism must
-- resist, so each finding FAILs and each missing fact is recorded.
function lib.update_design_review(units, letter, mechs, all)
  local clean, found, unknown = {}, {}, {}
  for _, m in ipairs(mechs) do
    local d = lib.update_design(m)
    for _, f in ipairs(d.fails) do found[#found + 1] = f end
    if #d.fails == 0 then
      if #d.missing > 0 then
        for _, f in ipairs(d.missing) do unknown[#unknown + 1] = f end
      else
        clean[#clean + 1] = d.quote
      end
    elseif all then
      for _, f in ipairs(d.missing) do unknown[#unknown + 1] = f end
    end
  end
  if all or #clean + #unknown == 0 then
    for _, f in ipairs(found) do units:add(letter, "FAIL", f) end
  end
  if all or #clean == 0 then
    for _, f in ipairs(unknown) do units:add(letter, "INCONCLUSIVE", f) end
  end
  if #clean == 0 or (all and #found + #unknown > 0) then return end
  lib.review(units, letter, "judge whether " .. (all and "each" or "at least one")
      .. " of these update mechanisms keeps an attacker from misusing updates (an older "
      .. "release installed, a manipulated image, a forged source): " .. table.concat(clean, "; ")
      .. ((not all and #found > 0) and ("; on facts the others fail: " .. table.concat(found, "; "))
          or ""))
end

-- 5.3-9-1 a (authenticity, on `la`) and b (integrity, on `lb`) over
-- `mechs`, shared with 5.3-10-1 a: lib.update_verification's findings
-- FAIL, its missing facts IXIT_MISSING; otherwise whether the check suits
-- (origin from the manufacturer, meant for this device; the image
-- unchanged) is a person's call, quoting the guarantees and cryptography.
function lib.update_check_units(units, la, lb, mechs)
  for _, m in ipairs(mechs) do
    local v = lib.update_verification(m)
    local q = lib.quote_fields(m, { "Security Guarantees", "Cryptographic Details" }, 160)
    local open = {}
    for _, p in ipairs({ { la, "authenticity", v.auth,
        "authenticity (the update comes from the manufacturer and is meant for this device)" },
        { lb, "integrity", v.integ, "integrity (the update is unchanged)" } }) do
      local l, fact, fails, what = p[1], p[2], p[3], p[4]
      if lib.fact(m, fact) == nil then
        units:add(l, "INCONCLUSIVE", lib.missing("7-UpdMech", m, fact))
      elseif #fails > 0 then
        for _, f in ipairs(fails) do units:add(l, "FAIL", f) end
      elseif la ~= lb then
        lib.review(units, l, "judge whether the device suitably verifies " .. what
            .. " before installing: " .. q .. " (" .. fact .. "=" .. lib.show(lib.fact(m, fact)) .. ")")
      else
        open[#open + 1] = what
      end
    end
    if #open > 0 then
      lib.review(units, la, "judge whether the device suitably verifies " .. lib.join(open)
          .. " before installing: " .. q .. " (" .. lib.facts_text(m, { "authenticity",
          "integrity" }) .. ")")
    end
  end
end

-- Firmware images (5.4-1-2, 5.4-2-2, 5.4-3-2) ------------------------------

-- The firmware images the lab set-up declares (<artefacts><firmware>).
function lib.firmware_images()
  local a = assay.setup and assay.setup.artefacts
  return (a and a.firmware) or {}
end

-- Analyses the declared image `img` (assay.net.firmware, with the set-up's
-- credentials as declared secrets) and lists what it gives away in clear:
-- private keys not encrypted, a lab credential or a default-list pair
-- found in a file, an account whose hash verifies a known password or that
-- has none.  Returns fw, findings, open (why the analysis is incomplete:
-- caps hit, problems), or nil, why.  Findings are sorted: deterministic.
function lib.firmware_secrets(img)
  local probe, why = lib.probe("firmware")
  if not probe then return nil, why end
  local secrets = {}
  for _, c in ipairs(lib.credentials()) do
    if c.password and c.password ~= "" then
      secrets[#secrets + 1] = { label = c.id, value = c.password }
    end
  end
  local fw, err = probe({ id = img.id, secrets = secrets })
  if not fw then return nil, "firmware " .. tostring(img.id) .. ": " .. tostring(err) end
  local out, open = {}, {}
  for _, k in ipairs(fw.keys or {}) do
    if not k.encrypted then
      out[#out + 1] = "a private key (" .. tostring(k.type) .. ") in clear at " .. tostring(k.path)
    end
  end
  for _, c in ipairs(fw.credentials or {}) do
    local l = tostring(c.label)
    out[#out + 1] = (l:sub(1, 9) == "declared:" and ("the lab credential " .. l:sub(10))
        or ("the default pair " .. l)) .. " in clear at " .. tostring(c.path)
  end
  for _, ac in ipairs(fw.accounts or {}) do
    if ac.matches then
      out[#out + 1] = "account " .. tostring(ac.user) .. " (" .. tostring(ac.file)
          .. "): its hash verifies " .. tostring(ac.matches)
    elseif ac.empty and not ac.locked then
      out[#out + 1] = "account " .. tostring(ac.user) .. " (" .. tostring(ac.file)
          .. ") has no password"
    end
  end
  table.sort(out)
  for _, n in ipairs(fw.caps_hit or {}) do
    open[#open + 1] = tostring(n.what) .. " at " .. tostring(n.path)
  end
  for _, n in ipairs(fw.problems or {}) do
    open[#open + 1] = tostring(n.what) .. " " .. tostring(n.path) .. ": " .. lib.clip(n.detail, 80)
  end
  if fw.stopped then open[#open + 1] = "unpacking stopped" end
  return fw, out, open
end


-- Clause 5.5-4 to 5.5-7 (issue 14, helper H) -------------------------------

-- A facade that records every unit outcome of a helper on one letter,
-- naming the letter it came from ("5.5-1-1 c"), with the reason code kept
-- first (REVIEW_PENDING:, IXIT_MISSING:) so the engine still reads it:
-- for test cases whose one unit applies all units of another (5.5-5-1,
-- 5.5-6-1, 5.5-7-1).
function lib.onto(units, letter, from)
  local t = { how = units.how }
  function t.add(_, l, verdict, reason, how)
    reason = tostring(reason)
    local code, rest = reason:match("^([A-Z_]+:%s?)(.*)$")
    local tag = "(" .. from .. " " .. l .. ") "
    if code and (code:sub(1, 14) == "REVIEW_PENDING" or code:sub(1, 12) == "IXIT_MISSING"
        or code:sub(1, 19) == "MANUAL_STEP_PENDING") then
      reason = code .. tag .. rest
    else
      reason = tag .. reason
    end
    units:add(letter, verdict, reason, how)
  end
  function t.has(_) return units:has(letter) end
  return t
end

-- 13-SoftServ entries reachable over the network, picked by `pick(e)`;
-- an entry without the `network` fact is IXIT_MISSING on `letter`.
function lib.network_services(units, letter, pick)
  local out = {}
  for _, e in ipairs(lib.entries("13-SoftServ")) do
    local net = lib.fact(e, "network")
    if net == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing("13-SoftServ", e, "network"))
    elseif net == true and pick(e) then
      out[#out + 1] = e
    end
  end
  return out
end

-- The 1-AuthMech entries a 13-SoftServ entry refers to.
function lib.auth_refs(e)
  local by, out = {}, {}
  for _, m in ipairs(lib.entries("1-AuthMech")) do by[m.id] = m end
  for _, ref in ipairs(e.refs or {}) do
    if ref.item == "1-AuthMech" and by[ref.entry] then out[#out + 1] = by[ref.entry] end
  end
  return out
end

-- 5.5-4-1's review of the functions `list` (13-SoftServ entries) onto the
-- facade `u` (letters a-d of 5.5-4-1):
--   a) a function that refers to no 1-AuthMech entry FAILs (facts: refs);
--      one that does is PASS by reference;
--   b) discrimination of subjects: an empty/placeholder Description of the
--      mechanism FAILs, otherwise REVIEW_PENDING quoting it and its
--      Authentication Factor;
--   c) protection: channel-security=none on a network password mechanism
--      or password-storage=plaintext FAIL (facts); an empty or placeholder
--      "Cryptographic Details" FAILs; otherwise REVIEW_PENDING;
--   d) authorisation: REVIEW_PENDING quoting the Description.
function lib.review_auth(u, list)
  local seen = {}
  for _, e in ipairs(list) do
    local mechs = lib.auth_refs(e)
    if #mechs == 0 then
      u:add("a", "FAIL", e.id .. ": reachable over the network ("
          .. lib.facts_text(e, { "network", "status", "allows-configuration" })
          .. ") but refers to no authentication mechanism (1-AuthMech)", lib.FACTS)
    else
      local ids = {}
      for _, m in ipairs(mechs) do ids[#ids + 1] = m.id end
      u:add("a", "PASS", e.id .. ": refers to " .. lib.join(ids), lib.FACTS)
    end
    for _, m in ipairs(mechs) do
      if not seen[m.id] then
        seen[m.id] = true
        local d = lib.field(m, "Description")
        local f = lib.field(m, "Authentication Factor")
        local c = lib.field(m, "Cryptographic Details")
        local g = lib.field(m, "Security Guarantees")
        if d == nil or lib.is_placeholder(d) then
          u:add("b", "FAIL", m.id .. ": no description of the mechanism to judge", lib.TEXT)
          u:add("d", "FAIL", m.id .. ": no description of the authorisation to judge", lib.TEXT)
        else
          lib.review(u, "b", m.id .. ": does the mechanism tell subjects apart and reject "
              .. "invalid identities or factors? Description " .. lib.quote(d)
              .. ", Authentication Factor " .. lib.quote(f or "(none stated)")
              .. " (" .. lib.facts_text(m, { "factor", "password-set-by" }) .. ")")
          lib.review(u, "d", m.id .. ": does the authorisation described in "
              .. lib.quote(d) .. " grant access only to authenticated subjects with the "
              .. "right access rights?")
        end
        local fails = 0
        if lib.fact(m, "channel-security") == "none" and lib.is_password(m)
            and lib.fact(m, "network") == true then
          u:add("c", "FAIL", m.id .. ": channel-security=none: the password of a network "
              .. "mechanism crosses the network unprotected", lib.FACTS)
          fails = fails + 1
        end
        if lib.fact(m, "password-storage") == "plaintext" then
          u:add("c", "FAIL", m.id .. ": password-storage=plaintext: the verifier is not "
              .. "protected", lib.FACTS)
          fails = fails + 1
        end
        if c == nil or lib.is_placeholder(c) then
          u:add("c", "FAIL", m.id .. ": no \"Cryptographic Details\" protecting the "
              .. "mechanism (" .. (c and lib.quote(c) or "empty") .. ")", lib.TEXT)
        elseif fails == 0 then
          lib.review(u, "c", m.id .. ": do the means " .. lib.quote(c) .. " give the "
              .. "guarantees " .. lib.quote(g or "(none stated)") .. " and resist attempts "
              .. "to compromise the mechanism?")
        end
      end
    end
  end
end

-- One attempt at a declared service without valid credentials, in the
-- initialized state, read-only (no write of any kind: MQTT connect and
-- subscribe, CoAP GET, HTTP GET, a login with an invalid password).
-- Returns "open" (the function answered), "closed" (refused), or nil and
-- why it could not be told, plus a detail text.
local INVALID_USER, INVALID_PW = "assay-invalid", "assay-invalid-Zq7v"
function lib.try_unauthenticated(s, invalid)
  local p, host = s.protocol, lib.addr(s)
  if p == "mqtt" or p == "mqtts" then
    local f, why = lib.probe("mqtt_connect")
    if not f then return nil, why end
    local o = { host = host, port = s.port, tls = s.security == "tls", timeout_ms = 3000,
        subscribe = "#", listen_ms = 1000, max_messages = 4 }
    if invalid then o.user, o.password = INVALID_USER, INVALID_PW end
    local r, err = f(o)
    if not r then return nil, "mqtt_connect: " .. tostring(err) end
    if r.accepted then
      return "open", "CONNACK accepted (" .. tostring(r.reason) .. ")"
          .. (invalid and " for an invalid user and password" or " without credentials")
    end
    return "closed", "CONNACK refused (" .. tostring(r.reason) .. ")"
  elseif p == "coap" or p == "coaps" then
    if invalid then return "closed", "CoAP has no credentials to get wrong" end
    local f, why = lib.probe("coap_get")
    if not f then return nil, why end
    local r, err = f({ host = host, port = s.port, dtls = s.security == "dtls",
        path = s.path or "/.well-known/core", timeout_ms = 3000 })
    if not r then return nil, "coap_get: " .. tostring(err) end
    if r.class == 2 then
      return "open", "GET " .. (s.path or "/.well-known/core") .. " answers "
          .. tostring(r.name or r.code) .. " without credentials"
    end
    return "closed", "GET answers " .. tostring(r.name or r.code)
  elseif p == "http" or p == "https" then
    local f, why = lib.probe("http_request")
    if not f then return nil, why end
    local o = { url = lib.service_url(s), max_read = 65536, timeout_ms = 5000 }
    if invalid then o.user, o.password, o.auth = INVALID_USER, INVALID_PW, "basic" end
    local r, err = f(o)
    if not r then return nil, "http_request: " .. tostring(err) end
    if r.status == 401 or r.status == 403 then return "closed", "HTTP " .. r.status end
    if r.status >= 300 and r.status < 400 then
      -- The function is not served here; where the redirect leads is
      -- judged on the declared service it names (an undeclared one is
      -- 5.5-5-2 b's and 5.6-1-2's finding).
      return "closed", "HTTP " .. r.status .. " redirect, nothing served", true
    end
    if r.status >= 200 and r.status < 300 then
      if lib.has_login_form(r.body) then return "closed", "HTTP " .. r.status .. " login form" end
      return "open", "HTTP " .. r.status .. " without a login"
          .. (invalid and " (invalid credentials sent)" or "")
    end
    return nil, "HTTP " .. r.status
  elseif p == "telnet" or p == "ssh" then
    if not invalid then return "closed", p .. " asks for a login before anything else" end
    local ok, detail = lib.login(s, INVALID_USER, INVALID_PW)
    if ok == true then return "open", "login accepted for an invalid user and password" end
    if ok == false then return "closed", "invalid login refused" end
    return nil, tostring(detail)
  end
  return nil, "no probe for protocol " .. tostring(p)
end

-- 5.5-4-2 over the functions `list` (13-SoftServ entries): for each
-- service they refer to, la) no access without or with invalid
-- credentials (try_unauthenticated), lb) the lab's credential logs in,
-- lc) 5.5-1-2's check of the channel (lib.check_service).  Returns the ids
-- of the services tried.
function lib.access_checks(units, la, lb, lc, list)
  local done, tried = {}, {}
  for _, e in ipairs(list) do
    local svcs = lib.services(e)
    if #svcs == 0 then
      units:add(la, "INCONCLUSIVE", lib.missing("13-SoftServ", e, "service reference")
          .. ": no declared service to reach")
      units:add(lb, "INCONCLUSIVE", lib.missing("13-SoftServ", e, "service reference"))
      units:add(lc, "INCONCLUSIVE", lib.missing("13-SoftServ", e, "service reference"))
    end
    for _, s in ipairs(svcs) do
      if not done[s.id] then
        done[s.id] = true
        tried[#tried + 1] = s.id
        local how = lib.probed("mqtt_connect, coap_get, http_request, telnet_login, ssh_login",
            "no credentials and invalid credentials")
        local redirect = false
        for _, invalid in ipairs({ false, true }) do
          local st, detail, moved = lib.try_unauthenticated(s, invalid)
          redirect = redirect or (moved == true and not invalid)
          local who = invalid and "invalid credentials" or "no credentials"
          if st == "open" then
            units:add(la, "FAIL", e.id .. "/" .. s.id .. ": usable with " .. who .. ": "
                .. detail, how)
          elseif st == "closed" then
            units:add(la, "PASS", e.id .. "/" .. s.id .. ": " .. who .. ": " .. detail, how)
          else
            units:add(la, "INCONCLUSIVE", e.id .. "/" .. s.id .. ": " .. who
                .. ": could not be told: " .. detail, how)
          end
        end
        local cred
        for _, c in ipairs(lib.credentials()) do
          if c.service == s.id then cred = c; break end
        end
        if redirect then
          -- Only a redirect: there is nothing to log in to here; the
          -- authorised subject is shown on the service it leads to.
          assay.log(s.id .. ": redirects without credentials; unit " .. lb .. " not tried here")
        elseif cred == nil then
          units:add(lb, "INCONCLUSIVE", "IXIT_MISSING:setup/" .. s.id .. "/credential: no "
              .. "lab credential to show that an authorised subject gets in")
        elseif s.protocol == "coap" or s.protocol == "coaps" then
          units:add(lb, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. s.id .. ": no CoAP login "
              .. "probe: log in as the authorised user and confirm access", lib.PERSON)
        else
          local ok, detail = lib.login(s, cred.username, cred.password)
          local h = lib.probed("login with the lab credential", "1 attempt")
          local fm = lib.form_mechanism(s)
          local via = fm and (" through the form login of " .. fm.id .. " (POST "
              .. tostring(lib.fact(fm, "login-form-path")) .. ": " .. tostring(detail) .. ")")
              or ""
          if ok == true then
            units:add(lb, "PASS", s.id .. ": the lab credential " .. cred.id .. " logs in"
                .. via, h)
          elseif ok == false then
            units:add(lb, "FAIL", s.id .. ": the lab credential " .. cred.id
                .. " is refused (" .. tostring(detail) .. "): the authorised subject "
                .. "cannot use the function", h)
          else
            units:add(lb, "INCONCLUSIVE", s.id .. ": login with " .. cred.id
                .. " could not be told: " .. tostring(detail), h)
          end
        end
        if not lib.check_service(units, lc, s) and not units:has(lc) then
          units:add(lc, "INCONCLUSIVE", s.id .. ": its channel could not be checked")
        end
      end
    end
  end
  if #tried > 0 and not units:has(lb) then
    units:add(lb, "INCONCLUSIVE", "every service of the functions (" .. lib.join(tried)
        .. ") only redirects: no login to show the authorised subject's access")
  end
  return tried
end

-- The write step of 5.5-4-2 / 5.5-5-2 (issue 14): a declared write endpoint
-- (13-SoftServ facts config-topic, config-path + config-method) is written
-- without credentials and, on MQTT, with invalid ones.  Never damaging:
-- the current value is read first (the topic's retained message, a CoAP
-- GET) and written back unchanged; where nothing can be read back, no
-- write is made and the reason names what is missing.  The evidence is
-- the effect, not the absence of an error: an MQTT PUBLISH counts as
-- accepted when a subscriber (the witness: the lab credential of the
-- service, else anonymous) receives it, since a broker may drop an
-- unauthorised PUBLISH silently; a CoAP write when the device answers 2.xx.
-- Returns "open", "closed", or nil, and a detail.
local function quote_value(v)
  return lib.quote(tostring(v), 60)
end

local function lab_cred(s)
  for _, c in ipairs(lib.credentials()) do
    if c.service == s.id then return c end
  end
  return nil
end

function lib.try_write(e, s, invalid)
  local p, host = s.protocol, lib.addr(s)
  if p == "mqtt" or p == "mqtts" then
    local topic = lib.fact(e, "config-topic")
    local connect, why = lib.probe("mqtt_connect")
    if not connect then return nil, why end
    local publish, why2 = lib.probe("mqtt_publish")
    if not publish then return nil, why2 end
    local cred = lab_cred(s)
    local w = cred and ("the lab credential " .. cred.id) or "an anonymous subscriber"
    local o = { host = host, port = s.port, tls = s.security == "tls", timeout_ms = 3000,
        subscribe = topic, listen_ms = 500, max_messages = 4 }
    if cred then o.user, o.password = cred.username, cred.password end
    local r, err = connect(o)
    if not r then return nil, "reading " .. topic .. " as " .. w .. ": " .. tostring(err) end
    if not r.accepted then
      return nil, "reading " .. topic .. ": " .. w .. " was refused (" .. tostring(r.reason)
          .. "): no witness to see a write arrive"
    end
    local current
    for _, m in ipairs(r.subscription and r.subscription.messages or {}) do
      if m.retain and m.topic == topic then current = m.payload end
    end
    if current == nil then
      return nil, "nothing to write back: " .. topic .. " holds no retained value "
          .. "(read as " .. w .. "): no write was made (a payload declared by the lab for "
          .. "such an endpoint is not supported yet)"
    end
    if #current > 4096 then
      return nil, "the current value of " .. topic .. " is " .. #current .. " bytes, "
          .. "over the 4096-byte write cap: no write was made"
    end
    local q = { host = host, port = s.port, tls = s.security == "tls", timeout_ms = 3000,
        topic = topic, payload = current, qos = 1, listen_ms = 1000 }
    if invalid then q.user, q.password = "assay-invalid", "assay-invalid-Zq7v" end
    if cred then q.witness_user, q.witness_password = cred.username, cred.password end
    local pr, perr = publish(q)
    if not pr then return nil, "mqtt_publish: " .. tostring(perr) end
    if pr.skipped then return nil, "mqtt_publish: " .. pr.skipped end
    if not pr.accepted then
      return "closed", "CONNECT refused (" .. tostring(pr.reason) .. "): nothing could be "
          .. "published to " .. topic
    end
    local what = "PUBLISH (QoS 1) of the current value " .. quote_value(current)
        .. " back to " .. topic
    local ack = pr.puback and (", PUBACK " .. tostring(pr.puback_reason)) or ""
    if pr.delivered then
      if pr.busy > 0 then
        return nil, what .. " arrived, but the topic carried " .. pr.busy .. " other "
            .. "message(s) just before: whose it was could not be told"
      end
      return "open", what .. " was delivered to " .. w .. ack
    end
    if pr.delivered == false then
      return "closed", what .. " was not delivered to " .. w .. " within 1000 ms" .. ack
          .. (pr.after and ("; " .. pr.after) or "")
    end
    return nil, what .. ": delivery could not be told"
  elseif p == "coap" or p == "coaps" then
    if invalid then return nil end          -- CoAP has no credentials to get wrong
    local path, method = lib.fact(e, "config-path"), lib.fact(e, "config-method")
    if method == nil then
      return nil, lib.missing("13-SoftServ", e, "config-method") .. ": the write "
          .. "method at " .. path .. " is not declared: no write was made"
    end
    local get, why = lib.probe("coap_get")
    if not get then return nil, why end
    local req, why2 = lib.probe("coap_request")
    if not req then return nil, why2 end
    local dtls = s.security == "dtls"
    local r, err = get({ host = host, port = s.port, dtls = dtls, path = path, timeout_ms = 3000 })
    if not r then return nil, "reading " .. path .. ": coap_get: " .. tostring(err) end
    if r.class ~= 2 then
      return nil, "nothing to write back: GET " .. path .. " answers " .. tostring(r.code)
          .. " " .. tostring(r.name) .. " without credentials: no write was made (a payload "
          .. "declared by the lab for such an endpoint is not supported yet)"
    end
    if r.truncated or #r.payload > 1024 then
      return nil, "the current value at " .. path .. " is " .. #r.payload .. " bytes"
          .. (r.truncated and " (cut)" or "") .. ", over the 1024-byte write cap (no "
          .. "Block1): no write was made"
    end
    local w, werr = req({ host = host, port = s.port, dtls = dtls, path = path, method = method,
        payload = r.payload, content_format = r.content_format, timeout_ms = 3000 })
    local what = method .. " " .. path .. " of its current value " .. quote_value(r.payload)
    if not w then return nil, what .. ": " .. tostring(werr) end
    if w.class == 2 then
      return "open", what .. " answered " .. w.code .. " " .. tostring(w.name)
          .. " without credentials"
    end
    if w.code == "4.01" or w.code == "4.03" or w.code == "4.05" then
      return "closed", what .. " refused: " .. w.code .. " " .. tostring(w.name)
    end
    return nil, what .. " answered " .. w.code .. " " .. tostring(w.name)
        .. ": neither accepted nor refused for lack of authentication"
  end
  return nil
end

-- The write step over the functions `list` on unit `letter`: for each
-- function and each MQTT or CoAP service it refers to, its declared
-- endpoint is written (lib.try_write) without and with invalid
-- credentials; an accepted write FAILs with the evidence, a refused one is
-- a PASS finding, one that could not be told INCONCLUSIVE with why.
-- With `config` (5.5-5-2: functions that allow configuration), a function
-- on MQTT or CoAP that declares no endpoint is INCONCLUSIVE IXIT_MISSING;
-- otherwise (5.5-4-2) it is a function without a write to try.  Returns
-- the writes refused both without and with invalid credentials ("srv/svc
-- endpoint"), for the test case's note.
function lib.write_checks(units, letter, list, config)
  local refused = {}
  local how = lib.probed("mqtt_connect, mqtt_publish, coap_get, coap_request",
      "the current value written back")
  for _, e in ipairs(list) do
    for _, s in ipairs(lib.services(e)) do
      local mqtt = s.protocol == "mqtt" or s.protocol == "mqtts"
      local coap = s.protocol == "coap" or s.protocol == "coaps"
      local declared = (mqtt and lib.fact(e, "config-topic") ~= nil)
          or (coap and lib.fact(e, "config-path") ~= nil)
      if declared then
        local closed = 0
        for _, invalid in ipairs({ false, true }) do
          local st, detail = lib.try_write(e, s, invalid)
          if st == "closed" or (invalid and coap and st == nil and detail == nil) then
            closed = closed + 1
          end
          local who = invalid and "invalid credentials" or "no credentials"
          if st == "open" then
            units:add(letter, "FAIL", e.id .. "/" .. s.id .. ": write accepted with " .. who
                .. " (in the state the device was in, as the lab set it up): " .. detail, how)
          elseif st == "closed" then
            units:add(letter, "PASS", e.id .. "/" .. s.id .. ": write with " .. who
                .. " refused: " .. detail, how)
          elseif detail ~= nil then
            local code = detail:match("^IXIT_MISSING:%S+") and "" or "could not be told: "
            units:add(letter, "INCONCLUSIVE", (code == "" and detail or (e.id .. "/" .. s.id
                .. ": write with " .. who .. ": " .. code .. detail)), how)
          end
        end
        if closed == 2 then
          refused[#refused + 1] = e.id .. "/" .. s.id .. " " .. tostring(mqtt and lib.fact(e, "config-topic")
              or (tostring(lib.fact(e, "config-method")) .. " " .. tostring(lib.fact(e, "config-path"))))
        end
      elseif config and (mqtt or coap) then
        units:add(letter, "INCONCLUSIVE", lib.missing("13-SoftServ", e,
            mqtt and "config-topic" or "config-path") .. ": " .. s.id .. " carries a "
            .. "configuration function whose write endpoint is not declared: no "
            .. "unauthenticated write was tried", lib.FACTS)
      end
    end
  end
  return refused
end

-- Critical security parameters' channels (5.5-6, 5.5-7): the 11-ComMech
-- entries a 10-SecParam type=critical refers to and, stricter than the
-- text, those whose carries names credentials or security-parameters.
-- With remote_only, a listening entry without the remote fact is
-- IXIT_MISSING on `letter` and outbound ones count as remote.  Returns the
-- selection, the reason each was selected (by id) and the local-only ids.
function lib.csp_channels(units, letter, remote_only)
  for _, p in ipairs(lib.entries("10-SecParam")) do
    if lib.fact(p, "type") == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing("10-SecParam", p, "type"))
    end
  end
  local cand, set = lib.channels_referenced("10-SecParam", function(p)
    return lib.fact(p, "type") == "critical"
  end)
  lib.channels_carrying(cand, set, { "credentials", "security-parameters" })
  if not remote_only then return cand, set, {} end
  local selected, local_only = {}, {}
  for _, e in ipairs(cand) do
    local remote = lib.fact(e, "remote")
    if remote == true or (remote == nil and lib.is_outbound(e)) then
      selected[#selected + 1] = e
    elseif remote == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing("11-ComMech", e, "remote")
          .. " (it carries critical security parameters: " .. set[e.id] .. ")")
    else
      local_only[#local_only + 1] = e.id
    end
  end
  return selected, set, local_only
end

-- 5.5-1-1's review of a channel carrying critical security parameters,
-- requiring confidentiality (5.5-6-1, 5.5-7-1), onto facade `u` (letters
-- a-d of 5.5-1-1): security=none, guarantees without confidentiality,
-- deprecated tls-versions and broken tls-suites FAIL from facts; then
-- lib.review_crypto.
function lib.review_csp_channel(u, e, why)
  local fails = {}
  local sec = lib.fact(e, "security")
  if sec == nil then
    u:add("a", "INCONCLUSIVE", lib.missing("11-ComMech", e, "security"))
  elseif sec == "none" then
    local r = e.id .. ": security=none on a channel carrying critical security parameters ("
        .. why .. "): no confidentiality"
    fails[#fails + 1] = { "a", r }
    fails[#fails + 1] = { "c", r }
  end
  local g = lib.fact_list(e, "guarantees")
  if g == nil then
    u:add("a", "INCONCLUSIVE", lib.missing("11-ComMech", e, "guarantees"))
  elseif not lib.fact_has(e, "guarantees", "confidentiality") then
    fails[#fails + 1] = { "a", e.id .. ": guarantees=" .. lib.show(g) .. " without "
        .. "confidentiality, which critical security parameters require (" .. why .. ")" }
  end
  local badv, bads = {}, {}
  for _, v in ipairs(lib.fact_list(e, "tls-versions") or {}) do
    if lib.bad_tls_versions[v] then badv[#badv + 1] = v end
  end
  for _, s in ipairs(lib.fact_list(e, "tls-suites") or {}) do
    if lib.weak_cipher(s) then bads[#bads + 1] = s end
  end
  if #badv > 0 then
    local r = e.id .. ": tls-versions includes deprecated " .. lib.join(badv) .. " (RFC 8996)"
    fails[#fails + 1] = { "c", r }
    fails[#fails + 1] = { "d", r }
  end
  if #bads > 0 then
    local r = e.id .. ": tls-suites includes broken suite(s) " .. lib.join(bads)
    fails[#fails + 1] = { "c", r }
    fails[#fails + 1] = { "d", r }
  end
  lib.review_crypto(u, "11-ComMech", e, fails)
end

-- Form logins ------------------------------------------------------------
-- Most consumer web UIs log in with an HTML form, not HTTP authentication.
-- A 1-AuthMech entry declares one with the facts login-form-path,
-- login-form-fields (body template, %u user, %p password) and
-- login-success / login-failure ("text:MARKER", "status:NNN",
-- "redirect:TARGET"; docs/facts.md).  Every test case that logs in goes
-- through lib.login_method, so a declared form is tried the same way
-- everywhere (5.1-1-2 b, 5.1-5-2 b, 5.5-4-2 lb).

-- A declared indication "kind:value" as {kind=, value=} (status a number).
local function form_indication(text)
  if text == nil then return nil end
  local kind, value = tostring(text):match("^(%a+):(.+)$")
  if kind == "status" then return { kind = kind, value = tonumber(value), text = text } end
  if kind == "text" or kind == "redirect" then
    return { kind = kind, value = value, text = text }
  end
  return nil
end

-- The form login entry m declares, or nil: {mech=, path=, fields=,
-- success=, failure=} (indications as form_indication gives them).
function lib.form_of(m)
  local path = m and lib.fact(m, "login-form-path")
  if path == nil then return nil end
  return { mech = m, path = path, fields = lib.fact(m, "login-form-fields"),
      success = form_indication(lib.fact(m, "login-success")),
      failure = form_indication(lib.fact(m, "login-failure")) }
end

-- The first 1-AuthMech entry declaring a form login on service s, or nil.
function lib.form_mechanism(s)
  for _, m in ipairs(lib.entries_for_service("1-AuthMech", s.id)) do
    if lib.form_of(m) then return m end
  end
  return nil
end

-- How credentials are tried on service s, for mechanism m when the caller
-- knows it (else a form declared on s wins over HTTP authentication):
-- {kind = "form", form = ...} | {kind = "basic"} | {kind = protocol} for
-- telnet, ssh, mqtt, mqtts; or nil, why, outcome ("no_password" when an
-- HTTP path is open or a page without a declared form, "unreached").
function lib.login_method(s, m)
  local p = s.protocol
  if p == "http" or p == "https" then
    local f = lib.form_of(m or lib.form_mechanism(s))
    if f then return { kind = "form", form = f } end
    local auth, no = lib.http_auth(s, true)
    if auth == true then return { kind = "basic" } end
    if auth == false then return nil, no, "no_password" end
    return nil, no, "unreached"
  elseif p == "telnet" or p == "ssh" or p == "mqtt" or p == "mqtts" then
    return { kind = p }
  end
  return nil, "no login probe for protocol " .. tostring(p), "unreached"
end

-- application/x-www-form-urlencoded value: everything but unreserved
-- characters as %XX.
local function form_escape(v)
  return (tostring(v or ""):gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", c:byte())
  end))
end

-- The body of form f for a user and password (%u, %p in the template).
function lib.form_body(f, user, password)
  return (f.fields:gsub("%%([up])", function(k)
    return form_escape(k == "u" and user or password)
  end))
end

-- Whether answer r shows indication ind (nil when none is declared).
local function form_shows(ind, r)
  if ind == nil then return nil end
  if ind.kind == "text" then
    return (r.body or ""):find(ind.value, 1, true) ~= nil
  elseif ind.kind == "status" then
    return r.status == ind.value
  end
  local loc = r.headers and r.headers.location
  return r.status >= 300 and r.status < 400 and loc ~= nil and
      loc:sub(1, 2048):find(ind.value, 1, true) ~= nil
end

-- What a person would see of an answer: status and the first visible text.
function lib.form_glimpse(r)
  local t = lib.visible_text(r.body or ""):gsub("%s+", " ")
  return "HTTP " .. r.status .. ", text " .. lib.quote(lib.clip(t, 80))
      .. (r.truncated and " (body cut at the read limit)" or "")
end

-- Judges a form login's answer r: true, detail (accepted); false, detail
-- (rejected); nil, detail, "ambiguous" when it cannot be told.  Never
-- accepted on a marker that is ambiguous: with both indications declared,
-- an answer showing both or neither cannot be told (a 4xx showing neither
-- is a refusal: 429 while locked, 403).  With one indication, the other
-- side is its absence; the test cases calibrate that with the lab
-- credential and a wrong password (lib.form_calibrate).
function lib.form_judge(f, r)
  local ok, no = form_shows(f.success, r), form_shows(f.failure, r)
  local st = r.status
  local function said(ind) return ind and ind.text or "?" end
  if st >= 500 then
    return nil, "could not be told: unexpected answer " .. lib.form_glimpse(r), "ambiguous"
  end
  if ok and no then
    return nil, "could not be told: the answer shows both login-success " .. said(f.success)
        .. " and login-failure " .. said(f.failure) .. " (" .. lib.form_glimpse(r) .. ")",
        "ambiguous"
  end
  if ok then return true, "HTTP " .. st .. ": login-success " .. said(f.success) end
  if no then return false, "HTTP " .. st .. ": login-failure " .. said(f.failure) end
  if st >= 400 then
    return false, "HTTP " .. st .. ": refused, no login-success"
  end
  if f.success and f.failure then
    return nil, "could not be told: the answer shows neither login-success "
        .. said(f.success) .. " nor login-failure " .. said(f.failure)
        .. " (" .. lib.form_glimpse(r) .. ")", "ambiguous"
  end
  if f.success then return false, "HTTP " .. st .. ": no login-success " .. said(f.success) end
  return true, "HTTP " .. st .. ": no login-failure " .. said(f.failure)
end

-- One login through form f on service s (a POST, redirects not followed).
-- Returns as lib.login.
function lib.form_login(s, f, user, password)
  local http, why = lib.probe("http_request")
  if not http then return nil, why end
  local r, err = http({ url = lib.service_url(s, f.path), method = "POST",
      body = lib.form_body(f, user, password),
      headers = { ["Content-Type"] = "application/x-www-form-urlencoded" },
      max_read = 65536, timeout_ms = 5000 })
  if not r then return nil, err end
  return lib.form_judge(f, r)
end

-- Whether the form's declared indications tell a login apart on this
-- device: a random wrong password must be judged rejected and the lab
-- credential (when the set-up has one for s) accepted.  Returns true, or
-- false and why (the test case is then INCONCLUSIVE, never PASS).
local CALIBRATION_PW = "assay-calibration-x7Qp"
function lib.form_calibrate(s, f, cred)
  local where = f.mech.id .. "@" .. s.id
  local ok, d = lib.form_login(s, f, cred and cred.username or "admin", CALIBRATION_PW)
  if ok == nil then
    return false, where .. ": a wrong password's answer " .. tostring(d)
  elseif ok == true then
    return false, where .. ": a random wrong password is judged a successful login ("
        .. tostring(d) .. "): the declared login-success/login-failure do not tell the "
        .. "form's answers apart"
  end
  if cred == nil then
    return false, "IXIT_MISSING:setup/" .. s.id .. "/credential: no lab credential to "
        .. "show what a successful login through the form of " .. f.mech.id .. " looks like"
  end
  local lok, ld = lib.form_login(s, f, cred.username, cred.password)
  if lok == true then return true end
  return false, where .. ": the lab credential " .. cred.id .. " is not judged a "
      .. "successful form login (" .. tostring(ld) .. "), so the declared indications "
      .. "cannot show an accepted password"
end

-- The lab credential of service s, or nil.
function lib.credential_for(s)
  for _, c in ipairs(lib.credentials()) do
    if c.service == s.id then return c end
  end
  return nil
end

-- The facts a page with a password input but no declared form lacks.
function lib.form_missing(e)
  return "IXIT_MISSING:1-AuthMech/" .. (e and e.id or "-") .. "/login-form-path"
      .. " (with login-form-fields and login-success or login-failure)"
end

-- 5.1-1-2 b's universal-default trial through a form: the pairs of the
-- named lists one at a time, after lib.form_calibrate.  Where the mechanism
-- declares a lockout after N failures, the lab credential logs in after
-- every N-1 wrong pairs, so that the trial never locks the account (a
-- device that still locks is reported, the rest untried).  Returns
-- {accepted = {{user, pw, list}}, tried = n, open = {why...}}.
function lib.form_trial(s, m, lists)
  local f = lib.form_of(m)
  local out = { accepted = {}, tried = 0, open = {} }
  local cred = lib.credential_for(s)
  local ok, why = lib.form_calibrate(s, f, cred)
  if not ok then out.open[#out.open + 1] = why end
  local n = lib.fact(m, "brute-force-attempts")
  local locks = lib.fact_has(m, "brute-force", "lockout") or
      lib.fact_has(m, "brute-force", "suspension")
  local pace = (locks and n) and math.max(1, n - 1) or nil
  -- The calibration's wrong password counts; its lab login reset it.
  local failures = (ok and cred) and 0 or 1
  for _, list in ipairs(lists) do
    for _, pair in ipairs(assay.net.credential_list({ list = list })) do
      if pace and failures >= pace then
        if not (ok and cred) then
          out.open[#out.open + 1] = string.format("%s@%s: declares a lockout after %d "
              .. "failures and no lab credential can reset the count: pairs after the "
              .. "first %d untried", m.id, s.id, n, out.tried)
          return out
        end
        local lok, ld = lib.form_login(s, f, cred.username, cred.password)
        if lok ~= true then
          out.open[#out.open + 1] = string.format("%s@%s: the lab credential was refused "
              .. "after %d pairs (%s): the form locked during the trial, the rest untried",
              m.id, s.id, out.tried, lib.clip(tostring(ld), 160))
          return out
        end
        failures = 0
      end
      local a, d, how = lib.form_login(s, f, pair[1], pair[2])
      out.tried = out.tried + 1
      if a == true then
        if ok then
          out.accepted[#out.accepted + 1] = { pair[1], pair[2], list }
        else
          out.open[#out.open + 1] = string.format("%s@%s: %s:%s judged accepted (%s), but "
              .. "the form's indications are not calibrated", m.id, s.id, pair[1], pair[2],
              tostring(d))
        end
        return out
      elseif a == nil then
        out.open[#out.open + 1] = string.format("%s@%s: %s after %d pairs%s", m.id, s.id,
            lib.clip(tostring(d), 200), out.tried - 1,
            how == "ambiguous" and "" or " (no answer)")
        return out
      end
      failures = failures + 1
    end
  end
  return out
end

-- After a brute-force series that locked mechanism m on service s: waits
-- out the declared brute-force-suspension-s (at most UNLOCK_CAP_S, said
-- in the reason when capped) and logs in with the lab credential, so a
-- conforming device that locks does not break later test cases and the
-- suspension is seen to end as declared.  Returns true, why (logs in
-- again); false, why (still refused after the declared suspension); nil,
-- why [, true] (not told: no suspension declared, no answer; true when the
-- wait was capped and the lock had not ended yet).
local UNLOCK_CAP_S, UNLOCK_SLACK_S = 120, 3
function lib.await_unlock(s, m, cred)
  local where = m.id .. "@" .. s.id
  local susp = lib.fact(m, "brute-force-suspension-s")
  if susp == nil then
    return nil, where .. ": no brute-force-suspension-s, so the lock's end was not waited "
        .. "for; later test cases may find the lab credential refused"
  end
  local wait = math.min(susp, UNLOCK_CAP_S)
  local capped = susp > UNLOCK_CAP_S
  local left = (wait + UNLOCK_SLACK_S) * 1000
  while left > 0 do
    local step = math.min(left, 50000)
    assay.sleep(step)
    left = left - step
  end
  local ok, d = lib.login(s, cred.username, cred.password, m)
  if ok ~= true and not capped then
    assay.sleep(5000)
    ok, d = lib.login(s, cred.username, cred.password, m)
  end
  if ok == true then
    return true, "the lab credential logs in again " .. (wait + UNLOCK_SLACK_S)
        .. " s after the series" .. (capped and (" (declared suspension " .. susp
        .. " s, Assay waits at most " .. UNLOCK_CAP_S .. " s)") or
        ": the suspension ends as declared")
  end
  if capped then
    return nil, "the lab credential is still refused after " .. wait .. " s ("
        .. lib.clip(tostring(d), 120) .. "): the declared suspension of " .. susp
        .. " s is longer than Assay waits (" .. UNLOCK_CAP_S .. " s), so its end was not "
        .. "seen and later test cases may find the lab credential refused", true
  end
  if ok == nil then
    return nil, where .. ": after the declared suspension of " .. susp .. " s the lab "
        .. "credential's login could not be told (" .. lib.clip(tostring(d), 120) .. ")"
  end
  return false, where .. ": the lab credential is still refused " .. (wait
      + UNLOCK_SLACK_S + 5) .. " s after the series (" .. lib.clip(tostring(d), 120)
      .. "): the declared suspension of " .. susp .. " s does not end as declared"
end

-- 5.12 (installation and maintenance) ------------------------------------

-- A user document (a 2-UserInfo field such as "Documentation of Secure
-- Setup") that names a page on the device: fetched once, so that a guide
-- that is not there FAILs each of `letters` (404/410, an empty 2xx page)
-- and one that is there is kept as evidence for the person who reads it.
-- Never a PASS: what the page says is the assessor's.  Returns a note for
-- the person's question ("" when the text names no page on the device).
function lib.fetch_doc(units, letters, e, field, evidence_name)
  local url = lib.url(lib.field(e, field))
  if url == nil or not lib.is_http_url(url) or not lib.on_device(url) then return "" end
  local http, why = lib.probe("http_request")
  if not http then return "; " .. why end
  local how = lib.probed("http_request", url)
  local r, err = http({ url = url, follow = 5, max_read = 256 * 1024 })
  if not r then
    return "; fetching " .. url .. " failed: " .. tostring(err)
  end
  local bad
  if r.status == 404 or r.status == 410 then
    bad = url .. " (" .. field .. ") answers HTTP " .. r.status .. ": the declared document is not there"
  elseif r.status // 100 == 2 and lib.blank(lib.visible_text(r.body)) then
    bad = url .. " (" .. field .. ") answers HTTP " .. r.status .. " with an empty page"
  end
  if bad then
    for _, l in ipairs(letters) do units:add(l, "FAIL", bad, how) end
    return ""
  end
  if r.status // 100 == 2 then
    assay.evidence(evidence_name, r.body or "")
    return "; the page was fetched (HTTP " .. r.status .. ", evidence " .. evidence_name .. ")"
  end
  return "; " .. url .. " answered HTTP " .. r.status .. " without credentials"
end

-- 5.11 deleting user data (5.11-1-2, 5.11-2-2, 5.11-3-1, 5.11-4-1) --------
-- The machine form of a 25-DelFunc deletion function (docs/facts.md:
-- delete-*, data-create-*, data-check-path, delete-confirmation) and one
-- run of it: create a random marker datum, see it, delete, look for it
-- again, read the answer's confirmation, check the lab's login still works.

-- 25-DelFunc entries with target=`target`; entries without the fact are
-- IXIT_MISSING on `letter` (nil: not recorded).
function lib.deletion_functions(units, letter, target)
  local out = {}
  for _, e in ipairs(lib.entries("25-DelFunc")) do
    local t = lib.fact(e, "target")
    if t == target then
      out[#out + 1] = e
    elseif t == nil and letter then
      units:add(letter, "INCONCLUSIVE", "IXIT_MISSING:25-DelFunc/" .. e.id .. "/target")
    end
  end
  return out
end

-- A declared indication "text:X" / "status:NNN" as {kind=, value=, text=}.
local function del_indication(text)
  if text == nil then return nil end
  local kind, value = tostring(text):match("^(%a+):(.+)$")
  if kind == "status" then return { kind = kind, value = tonumber(value), text = text } end
  if kind == "text" then return { kind = kind, value = value, text = text } end
  return nil
end

-- The machine-usable interface of deletion function e: {s=, cred=, ...},
-- or nil, why (no delete-path: nil, nil; a service without a lab
-- credential, no http_request probe: nil, reason).
function lib.deletion_iface(e)
  local path = lib.fact(e, "delete-path")
  if path == nil then return nil, nil end
  local sid = lib.fact(e, "delete-service")
  local s = sid and assay.ixit.service_by_id[sid]
  if s == nil then
    return nil, "IXIT_MISSING:25-DelFunc/" .. e.id .. "/delete-service"
  end
  local c = lib.credential_for(s)
  if c == nil or c.password == nil or c.password == "" then
    return nil, "IXIT_MISSING:setup/" .. s.id .. "/credential: no lab credential to "
        .. "make the deletion request of " .. e.id .. " with"
  end
  if assay.net.http_request == nil then
    return nil, "probe not yet available: assay.net.http_request"
  end
  return { e = e, s = s, cred = c, path = path,
      method = lib.fact(e, "delete-method") or "POST",
      body = lib.fact(e, "delete-body") or "",
      confirm = del_indication(lib.fact(e, "delete-confirmation")),
      create_path = lib.fact(e, "data-create-path"),
      create_body = lib.fact(e, "data-create-body"),
      checks = lib.fact_list(e, "data-check-path") or {} }
end

local DEL_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

-- One request with the lab credential (HTTP basic).
local function del_request(f, i, path, method, body)
  local o = { url = lib.service_url(i.s, path), method = method or "GET",
      user = i.cred.username, password = i.cred.password, auth = "basic",
      max_read = 65536, follow = 0 }
  if body ~= nil then
    o.body = body
    o.headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  end
  return f(o)
end

-- Where the marker shows: list of paths holding it, list of paths that
-- could not be read (with why).
local function del_look(f, i, marker, extra)
  local held, unread = {}, {}
  local paths = {}
  for _, p in ipairs(i.checks) do paths[#paths + 1] = p end
  if extra then paths[#paths + 1] = extra end
  for _, p in ipairs(paths) do
    local r, err = del_request(f, i, p)
    if not r then
      unread[#unread + 1] = p .. " (" .. lib.clip(tostring(err), 80) .. ")"
    elseif r.status < 200 or r.status > 299 then
      unread[#unread + 1] = p .. " (HTTP " .. r.status .. ")"
    elseif (r.body or ""):find(marker, 1, true) then
      held[#held + 1] = p
    end
  end
  return held, unread
end

-- Whether the lab credential still opens the deletion service's page.
local function del_access(f, i)
  local r, err = del_request(f, i, i.s.path or "/")
  if not r then return nil, tostring(err) end
  return r.status >= 200 and r.status < 300, "HTTP " .. r.status
end

-- Runs deletion function i (lib.deletion_iface) once.  Returns outcomes
-- {create=, invoke=, gone=, confirm=} (each {verdict, reason}, create and
-- gone nil without data-create-* facts) and a loud note when the lab's
-- login no longer works afterwards.
function lib.deletion_run(i)
  local f = assay.net.http_request
  local where = i.e.id .. " (" .. i.method .. " " .. i.path .. " on " .. i.s.id .. ")"
  local out, marker = {}, nil
  if i.create_path then
    marker = "assaymark" .. assay.new_secret(16, DEL_ALNUM)
    local body = i.create_body:gsub("%%m", marker)
    local r, err = del_request(f, i, i.create_path, "POST", body)
    if not r then
      out.create = { "INCONCLUSIVE", where .. ": no answer when creating the marker datum at "
          .. i.create_path .. ": " .. lib.clip(tostring(err), 120) }
    elseif r.status < 200 or r.status > 299 then
      out.create = { "INCONCLUSIVE", where .. ": the device refused the marker datum at "
          .. i.create_path .. " (HTTP " .. r.status .. "): no user data to erase could be "
          .. "created" }
    else
      local held, unread = del_look(f, i, marker)
      if #held > 0 then
        out.create = { "PASS", where .. ": a random marker datum was created at "
            .. i.create_path .. " and is seen at " .. lib.join(held) }
      else
        out.create = { "INCONCLUSIVE", where .. ": the marker datum created at "
            .. i.create_path .. " (HTTP " .. r.status .. ") is seen at no data-check-path"
            .. (#unread > 0 and (" (unread: " .. lib.join(unread) .. ")") or "") }
      end
    end
  end
  local r, err = del_request(f, i, i.path, i.method, i.body)
  if not r then
    out.invoke = { "INCONCLUSIVE", where .. ": no answer to the deletion request: "
        .. lib.clip(tostring(err), 120) }
  elseif r.status < 200 or r.status > 299 then
    out.invoke = { "FAIL", where .. ": the deletion request made as declared with the lab's "
        .. "login is refused: " .. lib.form_glimpse(r) }
  else
    out.invoke = { "PASS", where .. ": the deletion request made as declared answers HTTP "
        .. r.status }
  end
  -- Is the marker gone?  Looked for at every data-check-path and, stricter,
  -- on the service's own page.
  if out.create and out.create[1] == "PASS" then
    local held, unread = del_look(f, i, marker, i.s.path or "/")
    if #held > 0 then
      out.gone = { "FAIL", where .. ": after the deletion the marker datum is still served at "
          .. lib.join(held) }
    elseif #unread > 0 then
      out.gone = { "INCONCLUSIVE", where .. ": after the deletion " .. lib.join(unread)
          .. " could not be read" }
    elseif out.invoke[1] ~= "PASS" then
      out.gone = { "INCONCLUSIVE", where .. ": the marker is gone but the deletion "
          .. "request was not accepted (unit b)" }
    else
      out.gone = { "PASS", where .. ": after the deletion the marker datum is at none of "
          .. lib.join(i.checks) .. " nor on " .. (i.s.path or "/") }
    end
  elseif out.create then
    out.gone = { "INCONCLUSIVE", where .. ": no marker datum was created and seen, so its "
        .. "erasure cannot be checked" }
  end
  -- The confirmation the answer gives (5.11-4-1 b).
  local c = i.confirm
  if r == nil or out.invoke[1] ~= "PASS" then
    out.confirm = { out.invoke[1], "no deletion was performed: " .. out.invoke[2] }
  elseif c == nil then
    out.confirm = { "INCONCLUSIVE", "IXIT_MISSING:25-DelFunc/" .. i.e.id
        .. "/delete-confirmation: what the confirmation looks like" }
  else
    local shown = (c.kind == "text" and (r.body or ""):find(c.value, 1, true) ~= nil)
        or (c.kind == "status" and r.status == c.value)
    if not shown then
      out.confirm = { "FAIL", where .. ": the answer does not give the declared confirmation "
          .. lib.quote(c.text, 120) .. " (" .. lib.form_glimpse(r) .. ")" }
    elseif out.gone and out.gone[1] == "FAIL" then
      out.confirm = { "FAIL", where .. ": the answer confirms (" .. lib.quote(c.text, 120)
          .. ") an erasure that did not happen: the marker datum is still served" }
    elseif c.kind == "status" then
      -- "MANUAL": the test case names its observation (a person reads
      -- what the user is shown).
      out.confirm = { "MANUAL", where .. ": the declared confirmation is only " .. c.text
          .. ", a status code no user reads" }
    elseif out.gone and out.gone[1] == "PASS" then
      out.confirm = { "PASS", where .. ": the answer states " .. lib.quote(c.value, 120)
          .. " and the marker datum is gone" }
    else
      out.confirm = { "INCONCLUSIVE", where .. ": the answer states " .. lib.quote(c.value, 120)
          .. ", but whether the data is gone was not checked (no data-create-path)" }
    end
  end
  local ok, how = del_access(f, i)
  local lost
  if ok ~= true then
    lost = "LAB ACCESS LOST: after the deletion by " .. where .. " the lab credential "
        .. i.cred.id .. " no longer opens " .. (i.s.path or "/") .. " on " .. i.s.id
        .. " (" .. lib.clip(tostring(how), 80) .. "): the lab must restore its access to "
        .. "the device before any further test"
    assay.log(lost)
  end
  return out, lost
end

-- Performs each deletion function of `funcs` (5.11-1-2, 5.11-2-2, 5.11-3-1):
-- units a (marker created and seen), b (the request as declared), c (the
-- marker gone) from lib.deletion_run where the machine form is declared;
-- the others, and a and c without data-create-*, wait for a person under
-- the units' declared observations.  Returns the ids Assay performed.
--
-- opts (optional; nil keeps the 5.11-1-2 behaviour): `map` = {create=,
-- invoke=, gone=} the letters the three outcomes go to (invoke false: not
-- recorded); `judged` = the gone letter's PASS is a person's (5.11-3-1 c:
-- whether the documentation is concise and complete): a marker seen gone
-- is only told to that person, a marker left after a refused request is
-- INCONCLUSIVE (the refusal is 5.11-1-2 b's), and the person's observation
-- stays pending for every function; `how` = the basis of the outcomes.
function lib.deletion_perform(units, funcs, opts)
  opts = opts or {}
  local map = opts.map or { create = "a", invoke = "b", gone = "c" }
  local how = opts.how
  local manual, nodata, done, seen = {}, {}, {}, {}
  for _, e in ipairs(funcs) do
    local i, why = lib.deletion_iface(e)
    if i == nil then
      manual[#manual + 1] = e.id .. (why and (" (" .. why .. ")") or " (no delete-path)")
    else
      local out, lost = lib.deletion_run(i)
      if map.invoke then units:add(map.invoke, out.invoke[1], out.invoke[2], how) end
      if out.create then
        units:add(map.create, out.create[1], out.create[2], how)
        local g = out.gone
        if opts.judged and g[1] == "PASS" then
          seen[#seen + 1] = e.id .. " (performed by Assay as declared: the marker datum "
              .. "is gone)"
        elseif opts.judged and g[1] == "FAIL" and out.invoke[1] ~= "PASS" then
          units:add(map.gone, "INCONCLUSIVE", g[2] .. ", but the deletion request was not "
              .. "accepted: " .. out.invoke[2], how)
        else
          units:add(map.gone, g[1], g[2], how)
        end
      else
        nodata[#nodata + 1] = e.id .. " (performed by Assay; no data-create-path to put a "
            .. "marker datum first)"
      end
      if lost then units:add(map.gone, "INCONCLUSIVE", lost, how) end
      done[#done + 1] = e.id
    end
  end
  -- A unit Assay decided for some functions still waits for the others;
  -- a judged unit waits for the person on every function.
  for _, u in ipairs(assay.testcase.units or {}) do
    local l = u.letter
    local list = {}
    if l == map.create or l == map.invoke or l == map.gone then
      for _, m in ipairs(manual) do list[#list + 1] = m end
      if l ~= map.invoke then
        for _, m in ipairs(nodata) do list[#list + 1] = m end
      end
      if opts.judged and l == map.gone then
        for _, m in ipairs(seen) do list[#list + 1] = m end
      end
    end
    if #list > 0 then
      units:add(l, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. u.observation .. ": "
          .. u.observe .. " (functions " .. lib.join(list) .. ")", lib.PERSON)
    end
  end
  return done
end

-- Issue 15, 5.7, 5.8 and 5.10: secure boot, confidential personal data,
-- sensing capabilities, telemetry examination ------------------------------

-- The protection of an 11-ComMech channel: its `security` fact, else the
-- security of the services it refers to ("none" wins: one clear service is
-- enough).  Returns the value and where it came from, or nil.
function lib.channel_security(e)
  local s = lib.fact(e, "security")
  if s then return s, "security=" .. s end
  local first
  for _, svc in ipairs(lib.services(e)) do
    if svc.security == "none" then return "none", "service " .. svc.id .. " security=none" end
    first = first or svc
  end
  if first then return first.security, "service " .. first.id .. " security=" .. first.security end
  return nil
end

-- 5.8-1-1 / 5.8-2-1: 5.5-1-1's review of each channel in `selected`, with
-- confidentiality required, recorded on unit `letter` (TS 103 701 numbers
-- one unit for all of 5.5-1-1's a-d).  Facts FAIL: no protection
-- (security=none), guarantees without confidentiality, deprecated
-- tls-versions or broken tls-suites; an empty or placeholder "Security
-- Guarantees" or "Description" FAILs (text).  Absent security or
-- guarantees, or no "Cryptographic Details", is IXIT_MISSING.  What stays
-- is one REVIEW_PENDING per channel with 5.5-1-1's four questions and the
-- text to answer them by: best practice is a person's call (policy rule 6).
-- `what` names the data ("personal data") for the reasons; `why` is a set
-- by id saying why each channel was selected.
function lib.review_confidential(units, letter, selected, why, what)
  local item = "11-ComMech"
  for _, e in ipairs(selected) do
    local head = e.id .. " (" .. tostring(why[e.id]) .. ")"
    local sec, how = lib.channel_security(e)
    local g = lib.fact_list(e, "guarantees")
    local failed = false
    if sec == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing(item, e, "security"))
    elseif sec == "none" then
      units:add(letter, "FAIL", head .. ": " .. how .. ": " .. what .. " travels without "
          .. "cryptographic protection", lib.FACTS)
      failed = true
    end
    if g == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing(item, e, "guarantees"))
    elseif not lib.fact_has(e, "guarantees", "confidentiality") then
      units:add(letter, "FAIL", head .. ": guarantees=" .. lib.show(g) .. " lacks "
          .. "confidentiality, which " .. what .. " requires", lib.FACTS)
      failed = true
    end
    local badv = {}
    for _, v in ipairs(lib.fact_list(e, "tls-versions") or {}) do
      if lib.bad_tls_versions[v] then badv[#badv + 1] = v end
    end
    if #badv > 0 then
      units:add(letter, "FAIL", head .. ": tls-versions includes deprecated "
          .. lib.join(badv) .. " (RFC 8996): not best practice", lib.FACTS)
      failed = true
    end
    local bads = {}
    for _, s in ipairs(lib.fact_list(e, "tls-suites") or {}) do
      if lib.weak_cipher(s) then bads[#bads + 1] = s end
    end
    if #bads > 0 then
      units:add(letter, "FAIL", head .. ": tls-suites includes broken suite(s) "
          .. lib.join(bads), lib.FACTS)
      failed = true
    end
    local gt = lib.field(e, "Security Guarantees")
    local d = lib.field(e, "Description")
    local c = lib.field(e, "Cryptographic Details")
    for _, f in ipairs({ { "Security Guarantees", gt }, { "Description", d } }) do
      if lib.is_placeholder(f[2]) then
        units:add(letter, "FAIL", head .. ": \"" .. f[1] .. "\" is "
            .. (f[2] and lib.quote(f[2], 40) or "empty") .. ": nothing to judge the "
            .. "channel by", f[2] and lib.TEXT or lib.FACTS)
        failed = true
      end
    end
    if not failed then
      if lib.is_placeholder(c) then
        units:add(letter, "INCONCLUSIVE", lib.missing(item, e, "Cryptographic Details"),
            c and lib.TEXT or lib.FACTS)
      elseif sec ~= nil and g ~= nil then
        local hints = lib.weak_crypto_hints(c)
        lib.review(units, letter, head .. ", " .. lib.facts_text(e, { "security",
            "guarantees", "tls-versions", "tls-suites" }) .. ": judge (5.5-1-1 a-d, "
            .. "confidentiality required for " .. what .. ") whether the guarantees "
            .. lib.quote(gt, 120) .. " suit the use, the design " .. lib.quote(d, 160)
            .. " achieves them, and " .. lib.quote(c, 200) .. " is best-practice "
            .. "cryptography with no known feasible attack" .. (#hints > 0 and
            (" (the text mentions " .. table.concat(hints, ", ") .. ": check whether it "
            .. "is used)") or ""))
      end
    end
  end
end

-- 21-PersData entries (picked by pick(entry)) that name communication
-- mechanisms in "Communication Mechanisms" but refer to no 11-ComMech
-- entry: the channels cannot be found from the forms.  Each is recorded on
-- `letter` as IXIT_MISSING:21-PersData/<entry>/ref 11-ComMech.
function lib.persdata_unreferenced(units, letter, pick)
  for _, p in ipairs(lib.entries("21-PersData")) do
    if pick(p) then
      local has = false
      for _, r in ipairs(p.refs or {}) do
        if r.item == "11-ComMech" then has = true end
      end
      local t = lib.field(p, "Communication Mechanisms")
      if not has and not lib.is_placeholder(t) then
        units:add(letter, "INCONCLUSIVE", lib.missing("21-PersData", p, "ref 11-ComMech")
            .. ": \"Communication Mechanisms\" " .. lib.quote(t, 80) .. " names channels "
            .. "no <ref item=\"11-ComMech\"> declares", lib.FACTS)
      end
    end
  end
end

-- 5.6-3 .. 5.6-9: attack surface ------------------------------------------

-- The descriptions of an item that say something: {id, text} for each
-- entry whose first present field of `names` is not a placeholder.  When
-- none does, records FAIL on each of `letters` (the ICS claims the
-- provision, so a description is required) and returns nil.  `what`
-- names the missing description in the reason.
function lib.descriptions(units, letters, item, names, what)
  local out, n = {}, 0
  for _, e in ipairs(lib.entries(item)) do
    n = n + 1
    local t
    for _, name in ipairs(names) do
      t = lib.field(e, name)
      if t ~= nil then break end
    end
    if t ~= nil and not lib.is_placeholder(t) then out[#out + 1] = { id = e.id, e = e, text = t } end
  end
  if #out > 0 then return out end
  for _, l in ipairs(letters) do
    units:add(l, "FAIL", item .. " describes no " .. what .. " (" .. n .. " entr"
        .. (n == 1 and "y" or "ies") .. ", none with a description that says anything)",
        n > 0 and lib.TEXT or lib.FACTS)
  end
  return nil
end

-- "e1 \"text\"; e2 \"text\"" for a REVIEW_PENDING question.
function lib.quote_all(list, n)
  local q = {}
  for _, d in ipairs(list) do q[#q + 1] = d.id .. " " .. lib.quote(d.text, n or 300) end
  return table.concat(q, "; ")
end

-- Names of `topics` ({name, {words}}) that none of `texts` mentions: only
-- to phrase the question to the assessor, never a verdict.
function lib.unmentioned(texts, topics)
  local all = {}
  for _, d in ipairs(texts) do all[#all + 1] = d.text:sub(1, 4000):lower() end
  local joined, out = table.concat(all, " "), {}
  for _, t in ipairs(topics) do
    if lib.mentions(joined, t[2]) == nil then out[#out + 1] = t[1] end
  end
  return out
end

-- Whether a declared UDP service answers (CoAP GET, SSDP/mDNS discovery):
-- true, false (ICMP unreachable: nothing listens), nil (cannot tell).
-- Used by 5.6-1-2 and 5.6-3 .. 5.6-4.
function lib.udp_listening(s)
  local proto = s.protocol
  if proto == "coap" or proto == "coaps" then
    local f = lib.probe("coap_get")
    if not f then return nil end
    local r, err = f({ host = lib.addr(s), port = s.port, dtls = proto == "coaps" or s.security == "dtls",
        timeout_ms = 3000 })
    if r then return true end
    if tostring(err):find("unreachable", 1, true) then return false end
    if tostring(err):find("^DTLS offered") then return true end
    return nil
  end
  local kind = ({ ssdp = "ssdp", mdns = "mdns" })[proto]
  local f = lib.probe("udp_probe")
  if not (kind and f) then return nil end
  local r, err = f({ host = lib.addr(s), port = s.port, kind = kind, timeout_ms = 2000 })
  if r then return true end
  if tostring(err):find("unreachable", 1, true) then return false end
  return nil
end

-- Whether service s listens: true, false, or nil and why not known.  TCP
-- by a connect to its port alone (no full sweep), UDP by lib.udp_listening.
function lib.listening(s)
  if s.transport == "tcp" then
    local f, why = lib.probe("tcp_sweep")
    if not f then return nil, why end
    local r, err = f({ host = lib.addr(s), ports = { s.port } })
    if not r then return nil, "TCP probe failed: " .. tostring(err) end
    for _, p in ipairs(r.open) do if p == s.port then return true end end
    return false
  end
  local up = lib.udp_listening(s)
  if up == nil then
    return nil, "Assay cannot tell whether " .. tostring(s.protocol) .. " over "
        .. tostring(s.transport) .. " answers"
  end
  return up
end

-- " (the text contains \"not\": ...)" when lib.text_doubt doubts one of
-- the descriptions of `list` ({id, text}), else "": a hint in a
-- REVIEW_PENDING question that the text may state the opposite.
function lib.doubt_note(list)
  for _, d in ipairs(list) do
    local why = lib.text_doubt(d.text)
    if why then return " (" .. d.id .. "'s text " .. why .. ": it may say the opposite)" end
  end
  return ""
end

-- 5.9 resilience to outages (issue 15) ------------------------------------
--
-- 23-ResMech facts (docs/facts.md): `outages` (network, power, cloud),
-- `local-operation`, the local function a network outage must not stop
-- (`local-service`, `local-path`, `local-expect`), `after-power`.
-- 11-ComMech: `reconnect`, `reconnect-max-s`.  The functional units make
-- the outage at the lab gateway with assay.net.outage
-- (docs/probe_gateway.md, "Outages").

local RES = "23-ResMech"

-- Whether a 23-ResMech entry protects against a loss of the network
-- (local network or cloud), against power loss; nil when `outages` is absent.
function lib.res_network(e)
  local o = lib.fact_list(e, "outages")
  if o == nil then return nil end
  for _, v in ipairs(o) do
    if v == "network" or v == "cloud" then return true end
  end
  return false
end

function lib.res_power(e)
  if lib.fact_list(e, "outages") == nil then return nil end
  return lib.fact_has(e, "outages", "power")
end

-- 5.9-1-1 a and b (5.9-2-1 a applies both onto one letter): facts and
-- empty texts FAIL, the rest is the assessor's.
function lib.resilience_review(units, la, lb)
  local list = lib.entries(RES)
  if #list == 0 then
    units:add(la, "FAIL", "23-ResMech declares no resilience mechanism although the "
        .. "provision is claimed: the IXIT is incomplete", lib.FACTS)
    units:add(lb, "FAIL", "23-ResMech declares no resilience mechanism to judge", lib.FACTS)
    return
  end
  local net, power, missing, quoted = false, false, false, {}
  for _, e in ipairs(list) do
    local n, p = lib.res_network(e), lib.res_power(e)
    if n == nil then
      units:add(la, "INCONCLUSIVE", lib.missing(RES, e, "outages"))
      missing = true
    else
      net, power = net or n, power or p
    end
    local g, d = lib.field(e, "Security Guarantees"), lib.field(e, "Description")
    if g == nil or lib.is_placeholder(g) then
      units:add(la, "FAIL", e.id .. ": no \"Security Guarantees\" (what the mechanism "
          .. "guarantees during and after an outage)", lib.TEXT)
      units:add(lb, "FAIL", e.id .. ": no \"Security Guarantees\" to achieve", lib.TEXT)
    elseif d == nil or lib.is_placeholder(d) then
      units:add(lb, "FAIL", e.id .. ": no \"Description\" of the mechanism", lib.TEXT)
    else
      lib.review(units, lb, e.id .. ": judge whether the mechanism " .. lib.quote(d, 200)
          .. " achieves its guarantees " .. lib.quote(g, 200))
    end
    quoted[#quoted + 1] = e.id .. " (" .. lib.show(lib.fact(e, "outages") or "?") .. "): "
        .. lib.quote(g or "", 120)
  end
  if not missing then
    if not net then
      units:add(la, "FAIL", "no 23-ResMech mechanism protects against a network outage "
          .. "(outages=network or cloud)", lib.FACTS)
    end
    if not power then
      units:add(la, "FAIL", "no 23-ResMech mechanism protects against a power outage "
          .. "(outages=power)", lib.FACTS)
    end
  end
  if not units:has(la) or assay.unit_verdict(la) == "PASS" then
    lib.review(units, la, "judge whether the mechanisms together protect against network "
        .. "and power outages as their guarantees state: " .. table.concat(quoted, "; "))
  end
end

-- The local function a 23-ResMech entry declares: { service, path,
-- expect }, or nil and the IXIT_MISSING reason.
function lib.local_function(e)
  local sid, path = lib.fact(e, "local-service"), lib.fact(e, "local-path")
  if sid == nil then return nil, lib.missing(RES, e, "local-service") end
  if path == nil then return nil, lib.missing(RES, e, "local-path") end
  local s = assay.ixit.service_by_id[sid]
  if s == nil or (s.protocol ~= "http" and s.protocol ~= "https") then
    return nil, e.id .. ": local-service " .. lib.quote(sid, 40) .. " is not a declared "
        .. "HTTP(S) service"
  end
  return { service = s, path = path, expect = lib.fact(e, "local-expect") }
end

-- Asks the local function once, with the lab credential of its service
-- when there is one.  true, detail (working as declared); false, detail
-- (answered otherwise); nil, err (no answer).
function lib.local_answer(chk)
  local f, why = lib.probe("http_request")
  if not f then return nil, why end
  local s = chk.service
  local o = { url = lib.service_url(s, chk.path), max_read = 4096 }
  local c = lib.credential_for(s)
  if c then o.user, o.password, o.auth = c.username, c.password, "basic" end
  local r, err = f(o)
  if not r then return nil, err end
  local exp = chk.expect
  local what = s.id .. " " .. chk.path .. " answered HTTP " .. tostring(r.status)
  if exp and exp:match("^%d%d%d$") then
    return r.status == tonumber(exp), what .. " (declared " .. exp .. ")"
  end
  if r.status < 200 or r.status > 299 then return false, what end
  if exp and not tostring(r.body or ""):sub(1, 4096):find(exp, 1, true) then
    return false, what .. " without the declared text " .. lib.quote(exp, 60)
  end
  return true, what
end

local STANDIN_SCHEMES = { mqtt = true, mqtts = true, http = true, https = true }

-- The outbound channel an outage of 23-ResMech entry e is made on: the
-- first it refers to, else the first outbound channel with an endpoint a
-- stand-in can serve; nil when there is none.
function lib.outage_channel(e)
  local ok = function(c)
    local ep = lib.endpoint(c)
    return lib.is_outbound(c) and ep ~= nil and STANDIN_SCHEMES[ep.scheme]
  end
  for _, r in ipairs(e.refs or {}) do
    if r.item == COMM then
      for _, c in ipairs(lib.entries(COMM)) do
        if c.id == r.entry and ok(c) then return c end
      end
    end
  end
  for _, c in ipairs(lib.outbound_entries()) do
    if ok(c) then return c end
  end
  return nil
end

-- How long after the endpoint comes back a reconnection is waited for:
-- the channel's reconnect-max-s plus 3 s for a connection to complete,
-- else 30 s; at most 60 s.
function lib.reconnect_wait_ms(c)
  local m = lib.fact(c, "reconnect-max-s")
  if m == nil then return 30000 end
  return math.min(60000, m * 1000 + 3000)
end

-- How long an outage cuts the endpoint: 6 client cycles within 6..12 s
-- (the pace), 12 s when the set-up declares none.
function lib.outage_cut_ms()
  return lib.pace().outage_ms or 12000
end

-- The channels one outage cuts together with c: every outbound channel
-- Assay can stand in for, the first of each port (a stand-in serves one
-- port), c among them; a channel that shares its port with an earlier one
-- is cut on its own.
local function outage_group(c)
  local group, by_port = {}, {}
  for _, e in ipairs(lib.outbound_entries()) do
    local ep = lib.endpoint(e)
    if ep and STANDIN_SCHEMES[ep.scheme] and by_port[ep.port] == nil then
      by_port[ep.port] = e.id
      group[#group + 1] = e
    end
  end
  local ep = lib.endpoint(c)
  if ep == nil or by_port[ep.port] ~= c.id then return { c } end
  return group
end

-- One outage per run of every outbound channel at once (a cloud that is
-- down is down for all of them), shared through assay.once by 5.9-1-2 a,
-- 5.9-2-2 a and 5.9-3-2 a: its `before` and `during` ask the local
-- function of every 23-ResMech mechanism on a channel it cuts, whoever
-- makes it, so the record is the same for all three.  Returns c's record
-- with the callbacks' results: r.before[id] = { ok, why }, r.during =
-- { { [id] = { ok, why } }, { [id] = ... } }; or nil, why (the outage was
-- not made, or the device had no session on c).
function lib.channel_outage(c)
  local f, why = lib.probe("outage")
  if not f then return nil, why end
  local group, ids, cut = outage_group(c), {}, {}
  local restore_ms = 0
  for _, e in ipairs(group) do
    ids[#ids + 1] = e.id
    cut[e.id] = true
    restore_ms = math.max(restore_ms, lib.reconnect_wait_ms(e))
  end
  local checks = {}
  for _, e in ipairs(lib.entries(RES)) do
    if lib.res_network(e) and lib.fact(e, "local-operation") ~= false then
      local chk = lib.local_function(e)
      local oc = chk and lib.outage_channel(e)
      if oc and cut[oc.id] then checks[#checks + 1] = { id = e.id, chk = chk } end
    end
  end
  local function ask_all()
    local t = {}
    for _, k in ipairs(checks) do t[k.id] = { lib.local_answer(k.chk) } end
    return t
  end
  local cut_ms = lib.outage_cut_ms()
  local r, err = shared_probe("outage of " .. table.concat(ids, ", ") .. " (cut " .. cut_ms
      .. " ms)", function()
    local o = { channels = ids, wait_ms = lib.pace().connect_ms, cut_ms = cut_ms,
                restore_ms = restore_ms }
    if #checks > 0 then
      o.before = function()
        -- The session is counted when its CONNECT arrives: let the
        -- device finish it (and note it is connected) before asking.
        assay.sleep(1500)
        return ask_all()
      end
      o.during = function()
        -- Give the device time to notice the outage before asking (a
        -- third of the cut: at least two cycles), then ask again.
        assay.sleep(cut_ms // 3)
        local first = ask_all()
        assay.sleep(cut_ms // 3)
        return { first, ask_all() }
      end
    end
    return f(o)
  end)
  if r == nil then return nil, err end
  local one = (r.channels or {})[c.id]
  if type(one) ~= "table" then return nil, "the outage has no record of " .. c.id end
  if one.error then return nil, one.error end
  local view = {}
  for k, v in pairs(one) do view[k] = v end
  view.before, view.during = r.before, r.during
  return view
end

-- 5.9-1-2 a, 5.9-2-2 a: for every mechanism against network outages, cut
-- its channel's endpoint and ask its local function before the cut and
-- twice during it.  with_reconnect: the device must also be back within
-- the channel's reconnect wait.
function lib.outage_local(units, letter, with_reconnect)
  local list = lib.entries(RES)
  if #list == 0 then
    units:add(letter, "FAIL", "23-ResMech declares no resilience mechanism although the "
        .. "provision is claimed: the IXIT is incomplete", lib.FACTS)
    return
  end
  local any = false
  for _, e in ipairs(list) do
    local n = lib.res_network(e)
    if n == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing(RES, e, "outages"))
    elseif n then
      any = true
      lib.outage_one(units, letter, e, with_reconnect)
    end
  end
  if not any and not units:has(letter) then
    units:add(letter, "PASS", "vacuous: no 23-ResMech mechanism protects against a "
        .. "network outage (5.9-1-1 a judges whether one is needed)", lib.FACTS)
  end
end

function lib.outage_one(units, letter, e, with_reconnect)
  if lib.fact(e, "local-operation") == false then
    units:add(letter, "PASS", e.id .. ": local-operation=false, nothing local to check "
        .. "during the outage (5.9-2-1 b judges the declaration)", lib.FACTS)
    return
  end
  local chk, miss = lib.local_function(e)
  if not chk then units:add(letter, "INCONCLUSIVE", miss, lib.FACTS) return end
  local c = lib.outage_channel(e)
  if c == nil then
    units:add(letter, "INCONCLUSIVE", lib.missing(COMM, nil, "endpoint") .. ": " .. e.id
        .. " names no outbound channel with an mqtt(s) or http(s) endpoint whose outage "
        .. "Assay can make", lib.FACTS)
    return
  end
  if not lib.gateway() then
    units:add(letter, "INCONCLUSIVE", e.id .. ": " .. lib.NO_GATEWAY .. ": the outage "
        .. "cannot be made", lib.FACTS)
    return
  end
  local how = lib.probed("outage, http_request", "one outage of " .. c.id)
  local r, err = lib.channel_outage(c)
  if not r then
    units:add(letter, "INCONCLUSIVE", e.id .. ": outage of " .. lib.channel_name(c)
        .. " not made: " .. tostring(err), how)
    return
  end
  -- This mechanism's answers among those of every mechanism on c.
  local during = {}
  for i, d in ipairs(r.during or {}) do during[i] = d[e.id] or { nil, "not asked" } end
  r = { attempts = r.attempts, reconnected = r.reconnected,
        before = (r.before or {})[e.id], during = during }
  local cut = 0
  for _, t in ipairs(r.attempts or {}) do
    if t.phase == "cut" then cut = cut + 1 end
  end
  local b = r.before or {}
  local name = e.id .. " (outage of " .. c.id .. ")"
  if b[1] ~= true then
    units:add(letter, "INCONCLUSIVE", name .. ": the local function did not work even "
        .. "before the outage (" .. tostring(b[2]) .. "): what the outage changes cannot "
        .. "be told", how)
    return
  end
  local bad, open = {}, {}
  for i, d in ipairs(r.during or {}) do
    if d[1] == false then bad[#bad + 1] = tostring(d[2])
    elseif d[1] == nil then open[#open + 1] = "check " .. i .. ": " .. tostring(d[2]) end
  end
  if #bad > 0 then
    units:add(letter, "FAIL", name .. ": the local function stopped working while the "
        .. "cloud was unreachable: " .. table.concat(bad, "; "), how)
  elseif #open > 0 then
    units:add(letter, "INCONCLUSIVE", name .. ": the local function did not answer during "
        .. "the outage: " .. table.concat(open, "; "), how)
  elseif cut == 0 then
    units:add(letter, "INCONCLUSIVE", name .. ": the device did not try the endpoint while "
        .. "it was cut, so it may not have noticed the outage", how)
  end
  if with_reconnect and not r.reconnected then
    units:add(letter, "FAIL", name .. ": the device did not reconnect within "
        .. (lib.fact(c, "reconnect-max-s") and ("reconnect-max-s="
        .. lib.fact(c, "reconnect-max-s") .. " (+3 s)") or "30 s")
        .. " after the endpoint was served again", how)
  end
  if not units:has(letter) or assay.unit_verdict(letter) == "PASS" then
    units:add(letter, "PASS", name .. ": the local function (" .. chk.service.id .. " "
        .. chk.path .. ") kept working as declared while the cloud was unreachable"
        .. (with_reconnect and ", and the device reconnected afterwards" or ""), how)
  end
end

-- 5.9-3-2 a for one outbound channel: cut it and judge the attempts.
-- A tight loop (more than 2 attempts a second while cut) FAILs whatever
-- is declared; declared back-off must show growing waits; no wait may
-- exceed reconnect-max-s (+ 1 s and 20 %); the device must be back
-- within reconnect-max-s (+ 3 s) after the endpoint returns.
function lib.reconnect_check(units, letter, c)
  local mode = lib.fact(c, "reconnect")
  if mode == nil then units:add(letter, "INCONCLUSIVE", lib.missing(COMM, c, "reconnect")) return end
  local maxs = lib.fact(c, "reconnect-max-s")
  local how = lib.probed("outage", "one outage of " .. c.id)
  local r, err = lib.channel_outage(c)
  if not r then
    units:add(letter, "INCONCLUSIVE", lib.channel_name(c) .. ": outage not made: "
        .. tostring(err), how)
    return
  end
  local t = {}
  for _, a in ipairs(r.attempts or {}) do
    if a.phase == "cut" then t[#t + 1] = a.ms end
  end
  local gaps = {}
  for i = 2, #t do gaps[#gaps + 1] = t[i] - t[i - 1] end
  assay.log(c.id .. ": " .. #t .. " attempts while cut; waits (ms): " .. table.concat(gaps, " "))
  local name = c.id .. " (reconnect=" .. mode .. ")"
  if #t > 2 * (r.cut_ms or lib.outage_cut_ms()) / 1000 then
    units:add(letter, "FAIL", name .. ": a tight loop: more than 2 connection attempts a "
        .. "second while the endpoint was cut", how)
  elseif #t == 0 then
    units:add(letter, "INCONCLUSIVE", name .. ": no connection attempt while the endpoint "
        .. "was cut: the retries cannot be seen", how)
  elseif (mode == "backoff" or mode == "backoff-jitter") and #gaps < 2 then
    units:add(letter, "INCONCLUSIVE", name .. ": too few attempts while cut to see the "
        .. "declared back-off", how)
  elseif mode == "backoff" or mode == "backoff-jitter" then
    local h = math.floor(#gaps / 2)
    local s1, s2 = 0, 0
    for i = 1, h do s1 = s1 + gaps[i] end
    for i = #gaps - h + 1, #gaps do s2 = s2 + gaps[i] end
    local capped = maxs and gaps[1] >= maxs * 1000 * 0.75
    if s2 <= s1 and not capped then
      units:add(letter, "FAIL", name .. ": back-off declared, but the waits between "
          .. "attempts did not grow while the endpoint was cut", how)
    end
  end
  if maxs then
    for _, g in ipairs(gaps) do
      if g > maxs * 1200 + 1000 then
        units:add(letter, "FAIL", name .. ": waited longer between attempts than "
            .. "reconnect-max-s=" .. maxs .. " declares", how)
        break
      end
    end
  else
    units:add(letter, "INCONCLUSIVE", lib.missing(COMM, c, "reconnect-max-s")
        .. ": the reconnection time cannot be compared with a declaration")
  end
  if not r.reconnected then
    units:add(letter, "FAIL", name .. ": did not reconnect within "
        .. (maxs and ("reconnect-max-s=" .. maxs .. " (+3 s)") or "30 s")
        .. " after the endpoint was served again", how)
  end
  if not units:has(letter) or assay.unit_verdict(letter) == "PASS" then
    units:add(letter, "PASS", name .. ": retried without a tight loop"
        .. ((mode == "backoff" or mode == "backoff-jitter") and ", with growing waits" or "")
        .. " while cut, and reconnected within the declared time", how)
  end
end

-- Clause 6 (data protection: 6-1 ... 6-5) ---------------------------------

-- The 2-UserInfo documentation of one kind (`field` its free text, `fact`
-- its URL fact): a list of { e, text, url }, entries with either.
function lib.user_docs(field, fact)
  local out = {}
  for _, e in ipairs(lib.entries("2-UserInfo")) do
    local t, u = lib.field(e, field), lib.fact(e, fact)
    if t or u then out[#out + 1] = { e = e, text = t, url = u } end
  end
  return out
end

-- The documentation a consumer could use: URL facts, and texts that are
-- not placeholders, each as "entry: fact=URL \"text\"" for quoting.
function lib.usable_docs(docs, fact)
  local out = {}
  for _, d in ipairs(docs) do
    if d.url or (d.text and not lib.is_placeholder(d.text)) then
      out[#out + 1] = d.e.id .. ": " .. (d.url and (fact .. "=" .. d.url .. " ") or "")
          .. (d.text and lib.quote(d.text, 200) or "")
    end
  end
  return out
end

-- 6-1-1 and 6-5-1: the documentation declared in `field`/`fact` of
-- 2-UserInfo, on unit a.  Absent, or a placeholder without a URL: FAIL
-- (nothing tells the consumer where to look); otherwise a person judges
-- whether a consumer can get the information from it.
function lib.review_user_doc(units, field, fact, about)
  local docs = lib.user_docs(field, fact)
  local usable = lib.usable_docs(docs, fact)
  if #usable == 0 then
    units:add("a", "FAIL", "no documentation of " .. about .. " declared (2-UserInfo \""
        .. field .. "\" / " .. fact .. " " .. (#docs > 0 and "is a placeholder" or "absent")
        .. ")", #docs > 0 and lib.TEXT or lib.FACTS)
  else
    lib.review(units, "a", "read " .. table.concat(usable, "; ") .. " and judge whether a "
        .. "consumer can obtain the information about " .. about .. " from it: where it is, "
        .. "that it is reachable before and after purchase, and that it is written for a "
        .. "user with limited technical knowledge")
  end
  return units:settle(about .. " documented")
end

-- 6-1-2 a and 6-5-2 a: obtains the information declared in `field`/`fact`
-- of 2-UserInfo.  The URL fact is fetched on the device (lib.check_public:
-- PASS only for a public, non-empty page); a URL only in the free text is
-- fetched too but may only FAIL (its PASS waits for the fact); a text
-- without a URL (a printed leaflet, the app) is the declared observation
-- of unit a.  Returns the response when the page was read, and where the
-- information is (for the other units' questions).
function lib.obtain_user_doc(units, field, fact, evidence)
  local docs = lib.user_docs(field, fact)
  local d = docs[1]
  for _, x in ipairs(docs) do
    if x.url then d = x; break end
  end
  if d == nil or (d.url == nil and (d.text == nil or lib.is_placeholder(d.text))) then
    units:add("a", "FAIL", "the information cannot be obtained: 2-UserInfo declares no \""
        .. field .. "\" (" .. fact .. " " .. (d and "absent, text a placeholder" or "absent")
        .. ")", d and lib.TEXT or lib.FACTS)
    return nil, nil
  end
  local url, from_text = d.url, false
  if url == nil then
    url = lib.url(d.text)
    from_text = url ~= nil
  end
  if url == nil then
    lib.manual_note(units, "a", d.e.id .. ": \"" .. field .. "\" " .. lib.quote(d.text, 200))
    return nil, lib.quote(d.text, 200)
  end
  local v, why, r = lib.check_public(url, evidence)
  local how = lib.probed("http_request", url)
  if from_text and v ~= "FAIL" then
    units:add("a", "INCONCLUSIVE", lib.missing("2-UserInfo", d.e, fact) .. " (the URL in the "
        .. "text, " .. url .. ", gave: " .. why .. ")", lib.FACTS)
  else
    units:add("a", v, v == "FAIL" and ("the information at " .. why) or why, how)
  end
  -- Not read on the device (refused, unreachable): nothing to judge; off
  -- the device a person reads it where it is.
  if v == "FAIL" or (r == nil and lib.on_device(url)) then return nil, nil end
  return r, url
end

-- A page's visible text, clipped, for quoting in a question.
function lib.page_quote(r, max)
  local t = lib.visible_text(r and r.body or ""):gsub("%s+", " ")
  return lib.quote(t, max or 400)
end

-- 21-PersData entries whose processing rests on consent (basis=consent);
-- an entry without `basis` is IXIT_MISSING on `letter` (it might).  With
-- none: condition 7 (processing relies on consent) true -> FAIL, the IXIT
-- is incomplete; else nil plus the reason for a vacuous PASS.  Returns the
-- list (maybe empty) and, when empty, that reason or nil when a FAIL or
-- IXIT_MISSING was recorded.
function lib.consent_entries(units, letter)
  local list, unknown, ids = {}, 0, {}
  for _, p in ipairs(lib.entries("21-PersData")) do
    local b = lib.fact(p, "basis")
    if b == nil then
      unknown = unknown + 1
      units:add(letter, "INCONCLUSIVE", lib.missing("21-PersData", p, "basis"))
    elseif b == "consent" then
      list[#list + 1] = p
    else
      ids[#ids + 1] = p.id .. " basis=" .. b
    end
  end
  if #list > 0 or unknown > 0 then return list, nil end
  if assay.ics.conditions[7] then
    units:add(letter, "FAIL", "the ICS says processing relies on consent (condition 7) but no "
        .. "21-PersData entry declares basis=consent: the IXIT is incomplete", lib.FACTS)
    return list, nil
  end
  return list, "vacuous: no personal data is processed on the basis of consent ("
      .. (#ids > 0 and lib.join(ids) or "21-PersData declares none") .. ")"
end

-- What the telemetry the device sends shows of personal data (6-4-1,
-- 6-5-2): the run's observation at the lab gateway (lib.shared_observation),
-- read on the outbound channels whose `carries` names telemetry.  A watched personal datum (<watch> of
-- kind personal-data or sensitive-personal-data) in clear on such a
-- channel is a finding unless a 24-TelData entry with personal-data=true
-- refers to the 21-PersData entry the watch names (then it is declared and
-- listed in `declared` for the assessor).  Returns findings (texts),
-- declared (texts) and a note on what could not be seen (nil when the
-- observation ran).  Encrypted telemetry shows nothing of its content:
-- the note says so; this never makes a unit PASS.
function lib.telemetry_seen()
  local findings, declared = {}, {}
  local tel = lib.entries("24-TelData")
  if #tel == 0 then return findings, declared, "no telemetry declared" end
  local ok_refs, all_false = {}, true
  for _, t in ipairs(tel) do
    if lib.fact(t, "personal-data") == true then
      all_false = false
      for _, ref in ipairs(t.refs or {}) do
        if ref.item == "21-PersData" then ok_refs[ref.entry] = t.id end
      end
    end
  end
  local cs = lib.client_side()
  if lib.gateway() == nil then return findings, declared, lib.NO_GATEWAY end
  local chans = {}
  for _, e in ipairs(lib.outbound_entries()) do
    local ep = lib.endpoint(e)
    if ep and lib.fact_has(e, "carries", "telemetry") then
      chans[#chans + 1] = { e = e, ep = ep }
    end
  end
  if #chans == 0 then
    return findings, declared, "no outbound channel with an endpoint carries telemetry "
        .. "(11-ComMech carries)"
  end
  local watches = {}
  for _, w in ipairs((cs and cs.watch) or {}) do
    if w.kind == "personal-data" or w.kind == "sensitive-personal-data" then
      watches[w.label] = w
      watches[w.label .. " (" .. tostring(w.kind) .. ")"] = w
    end
  end
  if next(watches) == nil then
    return findings, declared, "no personal datum is watched (set-up <client-side><watch>)"
  end
  local observe, why = lib.probe("observe")
  if not observe then return findings, declared, why end
  local c, owhy = lib.shared_observation(observe)
  if not c then return findings, declared, "observation failed: " .. lib.clip(owhy, 200) end
  local seen = {}
  for _, s in ipairs(c.secrets or {}) do
    local w = watches[s.label]
    local flow = w and (c.flows or {})[s.flow]
    local ch
    for _, x in ipairs(chans) do
      if flow and flow.server_port == x.ep.port then ch = x.e end
    end
    if ch then
      local key = w.label .. "/" .. ch.id
      local g = seen[key]
      if g == nil then
        g = { w = w, ch = ch, frames = {} }
        seen[key] = g
        seen[#seen + 1] = g
      end
      g.frames[#g.frames + 1] = tonumber(s.frame) or 0
    end
  end
  for _, g in ipairs(seen) do
    local what = g.w.label .. " (" .. tostring(g.w.kind) .. ") in the telemetry on "
        .. g.ch.id
    what = what .. ", in clear (" .. lib.frames_logged(what, g.frames) .. ")"
    if g.w.ref and ok_refs[g.w.ref] then
      declared[#declared + 1] = what .. " (declared: 24-TelData " .. ok_refs[g.w.ref]
          .. " refers to " .. g.w.ref .. ")"
    elseif all_false then
      findings[#findings + 1] = what .. ", but every 24-TelData entry declares "
          .. "personal-data=false"
    else
      findings[#findings + 1] = what .. ", but no 24-TelData entry with personal-data=true "
          .. "refers to " .. tostring(g.w.ref or "the 21-PersData entry of this datum")
    end
  end
  return findings, declared, nil, c
end

-- ---------------------------------------------------------------------
-- 5.6 UDP services (lead)

-- UDP ports IoT devices commonly serve, each with the udp_probe kind whose
-- request a service of that protocol answers: 5.6-1-2 b sends each one
-- not declared.  A full UDP sweep cannot tell a silent port from a
-- filtered one and devices rate-limit ICMP (about one port a second on
-- Linux), so Assay asks the protocols that answer instead.
lib.UDP_SERVICES = {
  { 53, "dns" }, { 69, "tftp" }, { 123, "ntp" }, { 137, "netbios" }, { 161, "snmp" },
  { 1900, "ssdp" }, { 3702, "wsd" }, { 5353, "mdns" }, { 5683, "coap" },
}

-- The device's IPv6 addresses on the lab's link (assay.net.ipv6_peers),
-- each swept in full: a list of { address =, sweep = }; then a text when
-- a sweep there failed (the caller cannot judge the device's IPv6 side),
-- and a text when no address was looked at or found (not a failure:
-- lib.ipv6_coverage says so).
function lib.ipv6_sweeps()
  local out = {}
  local peers, sweep = lib.probe("ipv6_peers"), lib.probe("tcp_sweep")
  if not (peers and sweep) then return out, nil, "IPv6 not examined (no probe)" end
  local p, why = peers({ host = lib.host() })
  if not p then return out, nil, "no IPv6 address of the device found: " .. tostring(why) end
  for _, addr in ipairs(p.addresses) do
    local r, err = sweep({ host = addr, ports = "1-65535" })
    if not r then return out, "the TCP sweep of " .. addr .. " failed: " .. tostring(err) end
    assay.log("open TCP ports on " .. addr .. ": " .. table.concat(r.open, " "))
    out[#out + 1] = { address = addr, sweep = r }
  end
  return out
end

-- What the IPv6 sweeps covered, for a reason (lib.ipv6_sweeps' values).
function lib.ipv6_coverage(v6, bad, note)
  if bad then return bad end
  if #v6 == 0 then return note or "no IPv6 address of the device found" end
  local parts = {}
  for _, s in ipairs(v6) do
    parts[#parts + 1] = s.address .. " (" .. #s.sweep.open .. " open)"
  end
  return "IPv6 swept too: " .. table.concat(parts, ", ")
end

-- Every interface the device exposes that the IXIT does not declare,
-- from the IPv4 TCP sweep `sweep` (lib.sweep), a request of its own
-- protocol to each of lib.UDP_SERVICES not declared, and full TCP sweeps
-- of the device's IPv6 addresses on the lab's link (lib.ipv6_sweeps):
-- { extra = { "tcp/23", "udp/161 (snmp)", "tcp/2323 on fe80::…" },
--   v6bad = why the IPv6 side is unknown (a sweep there failed) or nil,
--   coverage = what IPv6 covered, for reasons, how = lib.probed(...) }.
-- 5.6-1-2 b and 5.13-1-2 c.
function lib.undeclared_interfaces(sweep)
  local extra = {}
  for _, p in ipairs(lib.undeclared_tcp(sweep)) do extra[#extra + 1] = "tcp/" .. p end
  local how = lib.probed("tcp_sweep", "TCP ports 1-65535")
  local udp = lib.probe("udp_probes")
  if udp then
    local declared, ports = lib.declared_ports(), {}
    for _, d in ipairs(lib.UDP_SERVICES) do ports[#ports + 1] = d[1] end
    how = lib.probed("tcp_sweep, udp_probes, ipv6_peers", "TCP ports 1-65535 over IPv4 and "
        .. "IPv6, UDP " .. table.concat(ports, ", "))
    -- Every undeclared one at once (assay.net.udp_probes).
    local list = {}
    for _, d in ipairs(lib.UDP_SERVICES) do
      if declared.udp[d[1]] == nil then list[#list + 1] = { d[1], d[2] } end
    end
    local replies = udp({ host = lib.host(), probes = list, timeout_ms = 1500 })
    for _, d in ipairs(list) do
      if replies[d[1]] then extra[#extra + 1] = "udp/" .. d[1] .. " (" .. d[2] .. ")" end
    end
  end
  local v6, v6bad, v6note = lib.ipv6_sweeps()
  for _, s6 in ipairs(v6) do
    for _, p in ipairs(lib.undeclared_tcp(s6.sweep)) do
      extra[#extra + 1] = "tcp/" .. p .. " on " .. s6.address
    end
  end
  return { extra = extra, v6bad = v6bad, coverage = lib.ipv6_coverage(v6, v6bad, v6note),
    how = how }
end

-- 5.2-1, 5.3-14: declared phrases on a published page ------------------

-- Whether `text` (a page's visible text) states `phrase` word for word:
-- case and runs of blanks aside, and never as a part of a longer word,
-- number or address ("5 days" is not in "15 days" nor "1.5 days",
-- "sec@x.example" not in "sec@x.example.net"; a full stop after it is
-- fine).  Plain finds over at most 256 KiB: linear in practice.
function lib.states(text, phrase)
  local t = " " .. tostring(text or ""):sub(1, 262144):lower():gsub("%s+", " ") .. " "
  local p = tostring(phrase or ""):sub(1, 1024):lower():gsub("%s+", " ")
  p = p:gsub("^ ", ""):gsub(" $", "")
  if p == "" then return false end
  local i = 1
  while true do
    local s, e = t:find(p, i, true)
    if s == nil then return false end
    local before, after, next2 = t:sub(s - 1, s - 1), t:sub(e + 1, e + 1), t:sub(e + 2, e + 2)
    local open_before = p:sub(1, 1):match("[%w]") and before:match("[%w@%._%+%-]")
    local open_after = p:sub(-1):match("[%w]") and (after:match("[%w@_%-]") or
        (after:match("[%./:,]") and next2:match("[%w]")))
    if not open_before and not open_after then return true end
    i = s + 1
  end
end

-- ---------------------------------------------------------------------
-- 6-2/6-3 consent (H2)
-- ---------------------------------------------------------------------

-- The consent-based 21-PersData entries of a test case (lib.consent_entries)
-- or, when there are none, nil and the summary to settle with, the unit
-- being recorded already: the vacuous PASS, or the FAIL / IXIT_MISSING
-- consent_entries recorded.  Use:
--   local list, done = lib.consent_list(units, "a")
--   if not list then return units:settle(done) end
function lib.consent_list(units, letter)
  local list, vacuous = lib.consent_entries(units, letter)
  if #list > 0 then return list end
  if vacuous then units:add(letter, "PASS", vacuous) end
  return nil, vacuous or ""
end

-- withdrawal=none: consent that cannot be withdrawn FAILs 6-3-1 and 6-3-2
-- alike.  True when it recorded that FAIL.
function lib.consent_unwithdrawable(units, letter, p)
  if lib.fact(p, "withdrawal") ~= "none" then return false end
  units:add(letter, "FAIL", p.id .. ": withdrawal=none: consent cannot be withdrawn")
  return true
end

-- The machine form of a consent withdrawal (6-3-2; docs/facts.md): nil,
-- nil when the entry declares no withdraw-service (a person withdraws);
-- nil, why when it does but Assay cannot make the request; else
-- { s, cred, path, method, body, grant, channel, topic, window }.
-- Without processing-channel there is nothing to watch: nil, missing.
function lib.consent_withdraw_iface(p)
  local sid = lib.fact(p, "withdraw-service")
  if sid == nil then return nil, nil end
  local s = assay.ixit.service_by_id[sid]
  if s == nil then return nil, lib.missing("21-PersData", p, "withdraw-service") end
  local ch = lib.fact(p, "processing-channel")
  if ch == nil then
    return nil, lib.missing("21-PersData", p, "processing-channel")
        .. " (which processing the consent covers, to watch it stop)"
  end
  local c = lib.credential_for(s)
  if c == nil or c.password == nil or c.password == "" then
    return nil, "IXIT_MISSING:setup/" .. s.id .. "/credential: no lab credential to "
        .. "withdraw the consent of " .. p.id .. " with"
  end
  return { p = p, s = s, cred = c, path = lib.fact(p, "withdraw-path"),
      method = lib.fact(p, "withdraw-method") or "POST",
      body = lib.fact(p, "withdraw-body") or "", grant = lib.fact(p, "grant-body"),
      channel = ch, topic = lib.fact(p, "processing-topic"),
      window = math.min(lib.fact(p, "withdraw-window-s") or lib.pace().consent_s, 120) }
end

-- The withdrawal (or, with grant=true, the re-grant) request with the lab
-- credential: the answer, or nil, err.
function lib.consent_request(i, grant)
  local f = lib.probe("http_request")
  if not f then return nil, "probe not yet available: assay.net.http_request" end
  return f({ url = lib.service_url(i.s, i.path), method = i.method,
      user = i.cred.username, password = i.cred.password, auth = "basic",
      body = grant and i.grant or i.body, max_read = 65536, follow = 0,
      headers = { ["Content-Type"] = "application/x-www-form-urlencoded" } })
end

-- One observation of the consented processing at the lab gateway for
-- i.window seconds: { n = PUBLISHes counted by the stand-in of
-- i.channel (to i.topic when declared, else all), frames = frames of
-- those PUBLISHes seen in clear, file = the recording }, or nil, why.
-- The stand-in counts inside TLS too, so encrypted processing is seen
-- happening (not its content).
function lib.consent_watch(i)
  local observe, why = lib.probe("observe")
  if not observe then return nil, why end
  local c, err = observe({ channels = { i.channel }, seconds = i.window })
  if not c then return nil, "observation failed: " .. lib.clip(err, 200) end
  local out, st = { n = 0, frames = {}, file = c.file }, nil
  for _, x in ipairs(c.standin or {}) do
    if x.channel == i.channel then st = x end
  end
  if st == nil or st.stood_in == false then
    return nil, "no stand-in for " .. i.channel .. (st and st.reason and (": "
        .. lib.clip(st.reason, 120)) or "")
  end
  if i.topic then
    for _, t in ipairs(st.mqtt_topics or {}) do
      if t.topic == i.topic then out.n = out.n + (t.publishes or 0) end
    end
  else
    out.n = st.mqtt_publishes or 0
  end
  for _, m in ipairs(c.mqtt or {}) do
    if m.packet == "PUBLISH" and (i.topic == nil or m.topic == i.topic) then
      out.frames[#out.frames + 1] = tonumber(m.frame) or 0
    end
  end
  return out
end

-- The consent-withdrawal test cases: 6-3-1/6-3-2 (EN 303 645 V2.1.1) and
-- 6-3A-1/6-3A-2 (V3.1.3, Assay-defined) are decided by the same rules;
-- the rules are written out above testcases/6-3.lua's test cases.
local CONSENT_WITHDRAW = "Withdrawing Consent"

-- The withdrawal test case (6-3-2, 6-3A-2) without a machine form: the
-- person's observation, after checking that a declared withdraw-path is
-- there at all.
local function consent_person_withdraws(units, p, why)
  local path = lib.fact(p, "withdraw-path")
  local url = path and lib.url(path)
  local http = lib.probe("http_request")
  if url and http then
    local r, err = http({ url = url, max_read = 64 * 1024 })
    local pr = lib.probed("http_request", url)
    if r and (r.status == 404 or r.status == 410) then
      units:add("a", "FAIL", p.id .. ": the declared withdraw-path " .. url .. " answered "
          .. "HTTP " .. r.status .. ": the setting is not where the IXIT says", pr)
      return
    end
    lib.manual_note(units, "a", p.id .. ": " .. (why and (why .. "; ") or "") .. url .. (r and (" answers HTTP "
        .. r.status) or (" did not answer: " .. lib.clip(err, 80))) .. "; \""
        .. CONSENT_WITHDRAW .. "\" " .. lib.quote(lib.field(p, CONSENT_WITHDRAW) or "absent", 160))
    return
  end
  lib.manual_note(units, "a", p.id .. ": " .. (why and (why .. "; ") or "")
      .. lib.facts_text(p, { "withdrawal" })
      .. ", \"" .. CONSENT_WITHDRAW .. "\" " .. lib.quote(lib.field(p, CONSENT_WITHDRAW) or "absent", 200))
end

-- The count and the frames go to the transcript (lib.frames_logged):
-- how many PUBLISHes fall into a window depends on where the device's
-- cycle stands when it opens, so they change from run to run; the
-- reason says only that there were some (w.n > 0), which does not.
local function consent_seen_text(i, w, phase)
  local what = string.format("PUBLISHes to %s on %s in %d s", i.topic or "any topic",
      i.channel, i.window)
  assay.log(i.p.id .. ": " .. phase .. ": " .. w.n .. " " .. what)
  return what .. (#w.frames > 0 and (" (in clear: " .. lib.frames_logged(what .. " " .. phase,
      w.frames) .. ")") or "")
end

-- Restores the consent found on; logs what it did under the test case
-- tc.
local function consent_regrant(i, tc)
  if i.grant == nil then
    assay.log(tc .. ": " .. i.p.id .. ": consent left withdrawn: no grant-body declared, "
        .. "so the device's state before the test cannot be restored by Assay")
    return
  end
  local r, err = lib.consent_request(i, true)
  assay.log(tc .. ": " .. i.p.id .. ": consent given again (" .. i.method .. " " .. i.path
      .. "): " .. (r and ("HTTP " .. r.status) or lib.clip(err, 80)))
end

-- The withdrawal test case with the machine form: watch, withdraw, watch.
-- Returns the PASS text, or nil.
local function consent_withdraw_and_watch(units, i, how, tc)
  local id, pass = i.p.id, nil
  local before, err = lib.consent_watch(i)
  if not before then
    units:add("a", "INCONCLUSIVE", id .. ": the processing could not be watched: " .. err)
    return
  end
  local granted = false
  if before.n == 0 and i.grant then
    local r, gerr = lib.consent_request(i, true)
    if not r or r.status < 200 or r.status > 299 then
      units:add("a", "INCONCLUSIVE", id .. ": nothing seen on " .. i.channel .. " and giving "
          .. "consent (" .. i.method .. " " .. i.path .. ") was answered "
          .. (r and ("HTTP " .. r.status) or lib.clip(gerr, 80)), lib.probed("http_request",
          i.path))
      return
    end
    granted = true
    before, err = lib.consent_watch(i)
    if not before then
      units:add("a", "INCONCLUSIVE", id .. ": the processing could not be watched: " .. err)
      return
    end
  end
  if before.n == 0 then
    units:add("a", "INCONCLUSIVE", id .. ": no PUBLISH to " .. (i.topic or "any topic")
        .. " on " .. i.channel .. " in " .. i.window .. " s" .. (granted and " after giving "
        .. "consent" or "") .. ": the consented processing is not seen, so there is "
        .. "nothing whose stop could be checked", how)
    return
  end
  local r, werr = lib.consent_request(i, false)
  local pr = lib.probed("http_request", i.method .. " " .. i.path .. " with the lab credential")
  if not r or r.status < 200 or r.status > 299 then
    units:add("a", "FAIL", id .. ": the declared withdrawal " .. i.method .. " " .. i.path
        .. " was answered " .. (r and ("HTTP " .. r.status) or ("not at all: "
        .. lib.clip(werr, 80))) .. ": consent cannot be withdrawn the way the IXIT says", pr)
    return
  end
  -- A message already on its way when the answer came is not a failure:
  -- one client cycle (at most 2 s) for it to arrive.
  assay.sleep(lib.pace().settle_ms)
  local after, aerr = lib.consent_watch(i)
  if not after then
    units:add("a", "INCONCLUSIVE", id .. ": withdrawn (HTTP " .. r.status .. ") but the "
        .. "processing could not be watched afterwards: " .. aerr)
  elseif after.n > 0 then
    units:add("a", "FAIL", id .. ": consent withdrawn (" .. i.method .. " " .. i.path
        .. " answered HTTP " .. r.status .. "), yet the processing goes on: "
        .. consent_seen_text(i, after, "after") .. ", after " .. consent_seen_text(i, before, "before")
        .. " before", how)
  else
    pass = id .. ": " .. consent_seen_text(i, before, "before") .. " before" .. (granted and (" (after the lab "
        .. "gave consent: none was seen at first)") or "") .. "; consent withdrawn (" .. i.method
        .. " " .. i.path .. ", HTTP " .. r.status .. "); none in the " .. i.window
        .. " s after (rule: the processing the consent covers stops)"
    units:add("a", "PASS", pass, how)
  end
  if not granted then consent_regrant(i, tc) end
  return pass
end

-- The run of 6-3-1 a / 6-3A-1 a (rules: testcases/6-3.lua).
function lib.consent_withdrawal_review(a)
  local units = lib.units(lib.FACTS)
  local list, done = lib.consent_list(units, "a")
  if not list then return units:settle(done) end
  for _, p in ipairs(list) do
    local how, path, text = lib.fact(p, "withdrawal"), lib.fact(p, "withdraw-path"),
        lib.field(p, CONSENT_WITHDRAW)
    if how == nil then
      units:add("a", "INCONCLUSIVE", lib.missing("21-PersData", p, "withdrawal"))
    elseif lib.consent_unwithdrawable(units, "a", p) then
      -- recorded
    elseif path == nil and (text == nil or lib.is_placeholder(text)) then
      units:add("a", "FAIL", p.id .. ": \"" .. CONSENT_WITHDRAW .. "\" " .. (text and
          lib.quote(text, 40) or "absent") .. " and no withdraw-path: how to withdraw is "
          .. "not described", text and lib.TEXT or lib.FACTS)
    else
      lib.review(units, "a", p.id .. ": withdrawal=" .. how .. (path and (", withdraw-path="
          .. path) or "") .. "; judge from \"" .. CONSENT_WITHDRAW .. "\" " .. lib.quote(text or
          "absent", 240) .. " whether it tells the consumer how to withdraw consent at any "
          .. "time through device or service settings")
    end
  end
  return units:settle(#list .. " consent-based kind(s) of personal data reviewed")
end

-- The run of 6-3-2 a / 6-3A-2 a (rules: testcases/6-3.lua); tc names the
-- test case in the transcript.
function lib.consent_withdrawal_check(a, tc)
  local units = lib.units(lib.FACTS)
  local list, done = lib.consent_list(units, "a")
  if not list then return units:settle(done) end
  local how = lib.probed("observe", "the consented processing at the gateway before and "
      .. "after the withdrawal")
  local checked = {}
  for _, p in ipairs(list) do
    local i, why = lib.consent_withdraw_iface(p)
    if lib.consent_unwithdrawable(units, "a", p) then
      -- recorded
    elseif i and lib.gateway() == nil then
      -- Nothing shows the processing without the gateway: a person's.
      consent_person_withdraws(units, p, lib.NO_GATEWAY)
    elseif i then
      checked[#checked + 1] = consent_withdraw_and_watch(units, i, how, tc)
    elseif why then
      units:add("a", "INCONCLUSIVE", why)
    else
      consent_person_withdraws(units, p)
    end
  end
  return units:settle(#checked > 0 and table.concat(checked, "; ")
      or "consent withdrawn and the processing watched")
end
