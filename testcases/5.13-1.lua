-- Test group 5.13-1: the device software validates data input through
-- user interfaces, APIs and network communications.
group "5.13-1"

local UI, API, VAL, COMM = "27-UserIntf", "28-ExtAPI", "29-InpVal", "11-ComMech"
local METHOD, SOURCE = "validation method", "data input source covered"

-- The input sources 5.13-1-1 a asks to be covered: every 27-UserIntf and
-- 28-ExtAPI entry, and every 11-ComMech channel declared remote=true
-- (inbound or outbound: both bring data into the device).  {item, e}.
local function sources()
  local out = {}
  for _, item in ipairs({ UI, API }) do
    for _, e in ipairs(lib.entries(item)) do out[#out + 1] = { item = item, e = e } end
  end
  for _, e in ipairs(lib.entries(COMM)) do
    if lib.fact(e, "remote") == true then out[#out + 1] = { item = COMM, e = e } end
  end
  return out
end

-- 5.13-1-1 (TS 103 701): a) the validation methods of 29-InpVal together
-- cover every source of input: the user interfaces of 27-UserIntf, the
-- APIs of 28-ExtAPI and the remotely accessible channels of 11-ComMech;
-- b) each method is effective for the input it validates.
--
-- a: coverage is read from the structure: a source is covered when a
-- 29-InpVal entry refers to it (<ref item= entry=>).  Every source covered
-- -> PASS (facts).  A source no entry refers to -> FAIL when every
-- 29-InpVal entry declares its sources by reference; when some entry
-- names its sources only in free text ("data input source covered"), a
-- person reads it (REVIEW_PENDING quoting it): the text never PASSes.
-- 29-InpVal empty while there is a source -> FAIL.  No source at all
-- while the IXIT declares services -> FAIL (the IXIT is incomplete: a
-- listening service takes input), as policy rule 4.  Looser than the
-- unit: whether 27/28 list every input is 5.13-1-2 b and c's question.
-- b: effectiveness is a person's call; a method absent or a placeholder
-- FAILs first.
testcase {
  id = "5.13-1-1",
  type = "conceptual",
  ixit = { COMM, UI, API, VAL },
  purpose = "The declared input validation methods cover every user interface, API and remote channel and suit the input they check.",
  units = {
    a = {
      criterion = "Together the declared validation methods cover all input sources: user interfaces, APIs and remotely reachable channels.",
      rule = "PASS iff each 27-UserIntf, 28-ExtAPI and remote 11-ComMech entry is referred to by a 29-InpVal entry; uncovered FAILs (free-text coverage: a person's call).",
      decided = "facts+assessor",
    },
    b = {
      criterion = "Each declared validation method actually suits the input it is applied to (format, value, cardinality, order).",
      rule = "Method absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local vals, src = lib.entries(VAL), sources()
    if #src == 0 then
      if #assay.ixit.services > 0 then
        units:add("a", "FAIL", "no input source declared (27-UserIntf, 28-ExtAPI empty, no "
            .. "remote 11-ComMech channel) while the IXIT declares " .. #assay.ixit.services
            .. " service(s): the IXIT is incomplete")
      else
        lib.review(units, "a", "the IXIT declares no input source and no service: confirm the "
            .. "device takes no data input")
      end
    elseif #vals == 0 then
      units:add("a", "FAIL", "29-InpVal declares no validation method for "
          .. #src .. " input source(s)")
    else
      local covered, textual = {}, {}
      for _, v in ipairs(vals) do
        local n = 0
        for _, ref in ipairs(v.refs or {}) do
          if ref.entry then covered[tostring(ref.item) .. "/" .. ref.entry] = v.id; n = n + 1 end
        end
        if n == 0 then textual[#textual + 1] = v end
      end
      local missing, ok = {}, {}
      for _, s in ipairs(src) do
        local k = s.item .. "/" .. s.e.id
        if covered[k] then ok[#ok + 1] = k .. " by " .. covered[k]
        else missing[#missing + 1] = k end
      end
      if #missing == 0 then
        units:add("a", "PASS", "every input source is referred to by a 29-InpVal entry: "
            .. lib.join(ok))
      elseif #textual == 0 then
        units:add("a", "FAIL", "no 29-InpVal entry refers to " .. lib.join(missing))
      else
        local q = {}
        for _, v in ipairs(textual) do q[#q + 1] = lib.quote_fields(v, { METHOD, SOURCE }, 120) end
        lib.review(units, "a", "no 29-InpVal entry refers to " .. lib.join(missing)
            .. "; judge whether the methods described only in text cover them: "
            .. table.concat(q, "; "))
      end
    end
    if #vals == 0 and #src > 0 then
      units:add("b", "FAIL", "29-InpVal declares no validation method")
    elseif #vals == 0 then
      units:add("b", "PASS", "vacuous: no input source and no validation method declared")
    end
    for _, v in ipairs(vals) do
      if lib.require_text(units, "b", VAL, v, { METHOD }, ": a validation method not described") then
        lib.review(units, "b", "judge whether the method is effective for the input it covers "
            .. "(format, value, cardinality, order): " .. lib.quote_fields(v, { METHOD, SOURCE }, 200))
      end
    end
    return units:settle("validation covers every input source and each method is effective")
  end,
}

-- 5.13-1-2 --------------------------------------------------------------

local MARK = "assay5131"
local XSS = "<script>" .. MARK .. "x()</script>"
local XSS_ESC = "&lt;script&gt;" .. MARK .. "x()"
local ATTR = "\"><svg onload=" .. MARK .. "y()>"
local ATTR_RAW = "<svg onload=" .. MARK .. "y()>"
local ATTR_ESC = "&lt;svg onload=" .. MARK .. "y()&gt;"
local PER_INPUT_CASES = 10
local MAX_INPUTS = 8
local DEADLINE_MS = 30000
local LONG_DEFAULT = 8192        -- a sane maximum beyond any form field
local LONG_CAP = 65536

-- The bounded set of malformed values (see the header of 5.13-1-2).
-- `raw`: text in the reply that shows the value was used unescaped (a
-- FAIL); `esc`: text that shows it was reflected escaped (refused as
-- HTML); `pattern`: a Lua pattern for output of a command (/etc/passwd).
local function cases(e, coap)
  local max = lib.fact(e, "input-max")
  local n = max and math.min(max + 1, LONG_CAP) or LONG_DEFAULT
  if coap then n = math.min(n, 1024) end
  local list = {
    { name = "over-long", value = string.rep("A", n),
      raw = max and string.rep("A", max + 1) or nil,
      raw_why = "the reply holds all " .. n .. " bytes: not cut to input-max=" .. tostring(max) },
    { name = "control and non-UTF-8 bytes", value = "\0\1\27[31m\r\n\255\254" .. MARK },
    { name = "shell ;", value = "x;echo ASY5131$((6*7))Q", raw = "ASY513142Q" },
    { name = "shell $()", value = "$(echo ASY5131$((6*7))R)", raw = "ASY513142R" },
    { name = "shell backquote", value = "`echo ASY5131$((6*7))T`", raw = "ASY513142T" },
    { name = "path traversal", value = "../../../../../../../../etc/passwd",
      pattern = "root:[^:\n]*:0:0:" },
    { name = "script injection", value = XSS, raw = XSS, esc = XSS_ESC },
    { name = "attribute injection", value = ATTR, raw = ATTR_RAW, esc = ATTR_ESC },
    { name = "format string", value = "%s%s%s%s%n%n%x%x" },
    { name = "quote injection", value = "' OR '1'='1' -- " .. MARK },
  }
  if coap and max and max >= 1024 then table.remove(list, 1) end
  return list
end

-- Form encoding of one value (every byte outside [A-Za-z0-9._~-]).
local function urlenc(v)
  return (v:gsub("[^%w%._~%-]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function lab_cred(s)
  for _, c in ipairs(lib.credentials()) do
    if c.service == s.id then return c end
  end
  return nil
end

-- One request to the input with `value`: HTTP(S) the form template with
-- %v replaced (GET: as the query), with the lab credential of the service
-- as HTTP Basic; CoAP the value as the payload.  Returns a table
-- {status, class, body} or nil, reason.
local function send(e, s, value)
  local path, method = lib.fact(e, "input-path"), lib.fact(e, "input-method") or "POST"
  if s.protocol == "coap" or s.protocol == "coaps" then
    local r, err = assay.net.coap_request{ host = lib.addr(s), port = s.port,
        dtls = s.protocol == "coaps", path = path, method = method, payload = value,
        timeout_ms = 3000, max_read = 65536 }
    if not r then return nil, err end
    return { status = r.code, class = r.class, body = r.payload or "" }
  end
  local form = lib.fact(e, "input-fields"):gsub("%%v", function() return urlenc(value) end)
  local o = { url = lib.service_url(s, path), method = method, timeout_ms = 5000,
      max_read = 262144 }
  if method == "GET" then
    o.url = lib.service_url(s, path .. "?" .. form)
  else
    o.body = form
    o.headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  end
  local c = lab_cred(s)
  if c then o.user, o.password = c.username, c.password end
  local r, err = assay.net.http_request(o)
  if not r then return nil, err end
  return { status = tostring(r.status), class = r.status // 100, body = r.body or "" }
end

-- How a reply to one case reads: "fail", "refused", "escaped" or
-- "accepted" (2xx/3xx without evidence either way), and the evidence.
local function judge(c, r, coap)
  local body = r.body:sub(1, 262144)
  if c.raw and body:find(c.raw, 1, true) then
    return "fail", c.raw_why or ("the reply contains " .. lib.quote(c.raw, 60) .. " unescaped")
  end
  if c.pattern and body:find(c.pattern) then
    return "fail", "the reply contains a passwd line (" .. lib.quote(body:match(c.pattern), 40) .. ")"
  end
  if r.class == 5 then return "fail", "answered " .. r.status .. " (a server error)" end
  if r.class == 4 then return "refused", "refused with " .. r.status end
  if not coap and c.esc and body:find(c.esc, 1, true) then
    return "escaped", "accepted and reflected escaped (" .. r.status .. ")"
  end
  return "accepted", "answered " .. r.status
end

-- The fuzz of one input on one service: a control request with the
-- declared valid value (the input must answer 2.xx to it, else Assay
-- could not tell a refusal from an input it never reached), the cases,
-- a liveness check after a case that got no answer, and the valid value
-- again at the end (restore and liveness).  Records on unit a.
local function fuzz_input(units, item, e, s, budget)
  local coap = s.protocol == "coap" or s.protocol == "coaps"
  local how = lib.probed(coap and "coap_request" or "http_request", "")
  local where = item .. "/" .. e.id .. " (" .. tostring(lib.fact(e, "input-method") or "POST")
      .. " " .. tostring(lib.fact(e, "input-path")) .. " on " .. s.id .. ")"
  local valid = lib.fact(e, "input-value")
  local list = cases(e, coap)
  how.sample = (#list + 2) .. " requests"
  local r, err = send(e, s, valid)
  budget.n = budget.n + 1
  if not r then
    units:add("a", "INCONCLUSIVE", where .. ": DUT_UNREACHABLE: the control request with "
        .. "input-value got no answer (" .. tostring(err) .. "): the input was not reached", how)
    return
  end
  if r.class ~= 2 then
    units:add("a", "INCONCLUSIVE", where .. ": the control request with input-value answered "
        .. r.status .. ", not 2xx: a refusal of malformed input could not be told from an "
        .. "input Assay does not reach (check input-value and the lab credential)", how)
    return
  end
  local fails, open, seen = {}, {}, {}
  local tag = (e.id .. "-" .. s.id):gsub("[^%w%._%-]", "_")
  for i, c in ipairs(list) do
    if assay.now_ms() > budget.deadline then
      open[#open + 1] = c.name .. " (not sent: the 30 s budget of the test case ran out)"
      break
    end
    local rr, rerr = send(e, s, c.value)
    budget.n = budget.n + 1
    if not rr then
      local alive, aerr = send(e, s, valid)
      budget.n = budget.n + 1
      if not alive then
        fails[#fails + 1] = c.name .. ": no answer (" .. tostring(rerr) .. ") and the "
            .. "input stopped answering after it (" .. tostring(aerr) .. ")"
        break
      end
      seen[#seen + 1] = c.name .. ": connection closed (" .. tostring(rerr) .. "), still up"
    else
      local v, why = judge(c, rr, coap)
      if v == "fail" then
        fails[#fails + 1] = c.name .. ": " .. why
        -- The reply that shows it, for the report (bounded).
        assay.evidence("input-" .. tag .. "-case" .. i .. ".txt", "status " .. rr.status
            .. "\n" .. rr.body:sub(1, 8192))
      elseif v == "accepted" then open[#open + 1] = c.name .. " " .. why
      else seen[#seen + 1] = c.name .. ": " .. why end
      budget.log(where .. ": " .. c.name .. ": " .. v .. ": " .. why)
    end
  end
  local back, berr = send(e, s, valid)
  budget.n = budget.n + 1
  if not back then
    fails[#fails + 1] = "after the cases the input no longer answers (" .. tostring(berr) .. ")"
  elseif back.class ~= 2 then
    if back.class == 5 then
      fails[#fails + 1] = "after the cases the valid value gets " .. back.status
    else
      open[#open + 1] = "the valid value written back at the end answered " .. back.status
          .. " (RESTORE FAILED: check the device's setting by hand)"
    end
  end
  if #fails > 0 then
    units:add("a", "FAIL", where .. ": " .. table.concat(fails, "; "), how)
  end
  if #open > 0 then
    units:add("a", "INCONCLUSIVE", where .. ": could not be told whether these were "
        .. "validated (accepted with nothing to show for or against): " .. table.concat(open, "; "), how)
  end
  if #fails == 0 and #open == 0 then
    units:add("a", "PASS", where .. ": all " .. #list .. " malformed values refused or "
        .. "escaped, the valid value accepted before and after", how)
  end
end

-- Open declared services referred to by no 27-UserIntf or 28-ExtAPI entry.
local function unlisted_services(open)
  local listed = {}
  for _, item in ipairs({ UI, API }) do
    for _, e in ipairs(lib.entries(item)) do
      for _, s in ipairs(lib.services(e)) do listed[s.id] = true end
    end
  end
  local out = {}
  for _, s in ipairs(assay.ixit.services) do
    if s.transport == "tcp" and open[s.port] and not listed[s.id] then
      out[#out + 1] = s.id .. " (tcp/" .. s.port .. ")"
    end
  end
  return out
end

-- 5.13-1-2 (TS 103 701): a) each validation method of 29-InpVal keeps
-- unexpected input from being processed (fuzzing, web scanning); b) every
-- user interface the user documentation describes is in 27-UserIntf;
-- c) every remotely accessible API of the device is in 28-ExtAPI.
--
-- a: for every 27-UserIntf and 28-ExtAPI entry that declares where its
-- input goes (input-path, input-method, input-fields, input-value,
-- input-max; docs/facts.md) on an HTTP(S) or CoAP service, Assay sends:
-- the declared valid value (control: must answer 2xx/2.xx), then ten
-- malformed values — over-long (input-max + 1, else 8192 bytes; CoAP at
-- most 1024), control and non-UTF-8 bytes, three shell metacharacter
-- forms around `echo` of an arithmetic marker (only its output,
-- ASY513142, shows execution; the value itself never contains it), path
-- traversal to /etc/passwd, a script and an attribute injection with a
-- fixed marker (fixed, not random, so that runs are repeatable), a format
-- string and a quote injection — then the valid value again (restore and
-- liveness).  Over HTTP with the lab credential of the service (Basic).
-- A case that gets no answer is followed by the valid value: no answer
-- then FAILs (the input stopped answering).  FAIL: a marker reflected
-- unescaped, a command's output or a passwd line in the reply, a 5xx,
-- the input down.  PASS for an input: every case refused (4xx / 4.xx, or
-- a closed connection with the input still up) or reflected escaped, and
-- the valid value accepted before and after.  A case accepted with
-- nothing to show for or against -> INCONCLUSIVE naming it (stricter than
-- "no indication" in the unit: a device that answers 200 to everything
-- shows nothing).  Nothing persists beyond the run: what a case may have
-- changed, the valid value sets back (a failed restore is said loudly);
-- the values are a few hundred bytes except the over-long one.  At most
-- 8 inputs and 30 s (the cap is said in the reason).  An entry on an
-- HTTP or CoAP service without input-path is IXIT_MISSING; one on MQTT
-- or another protocol is INCONCLUSIVE (no refusal can be observed there:
-- a broker acknowledges any well-formed PUBLISH); no input declared ->
-- FAIL when services are declared.  Stricter than the unit, which lets
-- the lab pick one input per validation method: every declared input is
-- sent the cases (29-InpVal does not tie its methods to inputs in a form
-- Assay can read, so "one per method" could not be chosen by rule).
-- Looser than the unit: no protocol
-- fuzzer below the application layer, no CSRF check, SQL injection only
-- as far as a 5xx shows it.
-- b: the person's comparison of the user documentation with 27-UserIntf.
-- c: what 5.6-1-2 b sweeps (lib.undeclared_interfaces: TCP over IPv4 and
-- the device's IPv6 addresses on the lab's link, the common IoT UDP
-- services): an interface the IXIT does not declare FAILs; an open
-- declared service no 27-UserIntf or 28-ExtAPI entry refers to is the
-- assessor's call (is it an API?).  Looser: paths under an HTTP service
-- are not enumerated, UDP only on the ports of lib.UDP_SERVICES.
testcase {
  id = "5.13-1-2",
  type = "functional",
  ixit = { UI, API, VAL },
  -- It logs in with the lab credential: never beside the credential
  -- trials (a lockout) or 5.1-4-2 (which changes that password).
  exclusive = "credentials",
  purpose = "Malformed, oversized and injection input to each declared input is refused and no undeclared interface or API answers.",
  units = {
    a = {
      criterion = "The declared input validation stops unexpected input (wrong format, size, value or injected code) from being processed.",
      rule = "Per declared input: all malformed values refused or escaped and the service up -> PASS; reflected marker, command output, 5xx or down FAILs; else INCONCLUSIVE.",
      decided = "automatic",
      reach = "network",
    },
    b = {
      criterion = "Every user interface that the user documentation describes is listed among the declared user interfaces.",
      observation = "user-interfaces-manual",
      observe = "Go through the user manual and app; list every user interface through which the user enters data and compare with 27-UserIntf.",
      decided = "observation",
      reach = "physical",
    },
    c = {
      criterion = "Every API the device exposes to remote access is listed among the declared external APIs.",
      rule = "Full TCP sweep over IPv4 and IPv6 and the common UDP services: an undeclared interface FAILs; an open service no 27-UserIntf/28-ExtAPI entry refers to is a person's call; else PASS.",
      decided = "automatic+assessor",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("http_request, coap_request"))
    local inputs = {}
    for _, item in ipairs({ UI, API }) do
      for _, e in ipairs(lib.entries(item)) do inputs[#inputs + 1] = { item = item, e = e } end
    end
    local names = {}
    for _, x in ipairs(inputs) do names[#names + 1] = x.item .. "/" .. x.e.id end
    -- a
    local budget = { n = 0, deadline = assay.now_ms() + DEADLINE_MS, log = a.log }
    local tried = 0
    if #inputs == 0 then
      if #assay.ixit.services > 0 then
        units:add("a", "FAIL", "27-UserIntf and 28-ExtAPI declare no input while the IXIT "
            .. "declares " .. #assay.ixit.services .. " service(s): the IXIT is incomplete", lib.FACTS)
      else
        units:add("a", "INCONCLUSIVE", "no input and no service declared: nothing to send to")
      end
    end
    for _, x in ipairs(inputs) do
      local e = x.e
      local svcs = lib.services(e)
      if #svcs == 0 then
        units:add("a", "INCONCLUSIVE", x.item .. "/" .. e.id .. ": refers to no service: its "
            .. "input could not be reached over the network", lib.FACTS)
      end
      for _, s in ipairs(svcs) do
        local p = s.protocol
        local web = p == "http" or p == "https"
        local coap = p == "coap" or p == "coaps"
        local name = x.item .. "/" .. e.id .. " on " .. s.id
        if not web and not coap then
          units:add("a", "INCONCLUSIVE", name .. ": " .. tostring(p) .. " inputs are not "
              .. "exercised by this build (no refusal can be observed on them): a person's call")
        elseif lib.fact(e, "input-path") == nil then
          units:add("a", "INCONCLUSIVE", lib.missing(x.item, e, "input-path") .. ": where "
              .. name .. " takes input is not declared: nothing was sent", lib.FACTS)
        elseif coap and (lib.fact(e, "input-method") == "GET" or lib.fact(e, "input-method") == nil) then
          units:add("a", "INCONCLUSIVE", lib.missing(x.item, e, "input-method") .. ": a CoAP "
              .. "input is written with PUT or POST", lib.FACTS)
        elseif tried >= MAX_INPUTS or assay.now_ms() > budget.deadline then
          units:add("a", "INCONCLUSIVE", name .. ": not tried: the test case's cap of "
              .. MAX_INPUTS .. " inputs and 30 s was reached")
        else
          tried = tried + 1
          fuzz_input(units, x.item, e, s, budget)
        end
      end
    end
    a.log("5.13-1-2 a: " .. budget.n .. " requests")
    -- c
    local sweep, why = lib.sweep()
    if not sweep then
      units:add("c", "INCONCLUSIVE", why)
    else
      local u = lib.undeclared_interfaces(sweep)
      local how = u.how
      local open = {}
      for _, p in ipairs(sweep.open) do open[p] = true end
      if #u.extra > 0 then
        units:add("c", "FAIL", "open port(s) the IXIT does not declare: " .. lib.join(u.extra)
            .. " (an API or interface 28-ExtAPI does not list)", how)
      elseif u.v6bad then
        units:add("c", "INCONCLUSIVE", u.coverage, how)
      end
      local unlisted = unlisted_services(open)
      if #unlisted > 0 then
        lib.review(units, "c", "open declared service(s) no 27-UserIntf or 28-ExtAPI entry "
            .. "refers to: " .. lib.join(unlisted) .. "; judge whether each is a remotely "
            .. "accessible API that 28-ExtAPI must list")
      end
      if not units:has("c") then
        units:add("c", "PASS", "every open TCP port (" .. #sweep.open .. ") is a declared "
            .. "service listed by " .. lib.join(names) .. "; no undeclared UDP service; "
            .. u.coverage, how)
      end
    end
    return lib.manual(units, { "b" }, #names > 0 and ("declared: " .. lib.join(names))
        or "27-UserIntf is empty")
  end,
}
