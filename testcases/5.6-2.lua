-- Test group 5.6-2: in the initialized state, network interfaces disclose
-- no more security-relevant information than needed, without authentication.
group "5.6-2"

local ITEM = "15-Intf"

-- Words that hint at security-relevant content in a "Disclosed
-- Information" text; only used to phrase the assessor's question.
local relevant = { "version", "firmware", "serial", "mac", "key", "password", "token",
    "secret", "private", "build", "debug" }

-- Units (TS 103 701), for each network interface: a) information
-- disclosed without authentication and labelled not security-relevant is
-- really not security-relevant; b) what is labelled security-relevant is
-- needed for the device's operation.
--
-- Rules on facts (discloses-security-relevant):
--   absent -> IXIT_MISSING;
--   false with "Disclosed Information" empty or a placeholder ("none") ->
--     a PASS (rule: nothing disclosed, declared consistently; 5.6-2-2
--     observes), b vacuous;
--   false with a text -> a REVIEW_PENDING: is what the text lists really
--     not security-relevant (terms like "version", "key" are pointed out);
--   true -> a PASS (labelled), b REVIEW_PENDING: is it needed?  A true
--     fact with an empty text -> FAIL (what is disclosed is not said).
-- kind=physical entries are not network interfaces and are skipped.
-- 15-Intf empty -> FAIL (incomplete IXIT).
testcase {
  id = "5.6-2-1",
  type = "conceptual",
  ixit = { "15-Intf" },
  purpose = "Information disclosed without authentication is correctly labelled and only what is needed.",
  units = {
    a = {
      criterion = "Information an interface discloses without authentication and labels as not security-relevant is indeed not security-relevant.",
      rule = "discloses-security-relevant=false with nothing listed PASSes; any listed information needs a person.",
      decided = "facts+assessor",
    },
    b = {
      criterion = "Security-relevant information an interface discloses without authentication is needed for the device to operate.",
      rule = "Nothing security-relevant disclosed PASSes vacuously; the need for what is disclosed is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      return units:stop("FAIL", "15-Intf declares no interface: the IXIT is incomplete")
    end
    local n = 0
    for _, e in ipairs(entries) do
      if lib.fact(e, "kind") ~= "physical" then
        n = n + 1
        local rel = lib.fact(e, "discloses-security-relevant")
        local d = lib.field(e, "Disclosed Information")
        local empty = d == nil or lib.is_placeholder(d)
        if rel == nil then
          units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "discloses-security-relevant")
              .. (d and (" (text: " .. lib.quote(d) .. ")") or ""))
        elseif rel == false then
          if empty then
            units:add("a", "PASS", e.id .. ": discloses-security-relevant=false and nothing "
                .. "listed (rule: consistent declaration; 5.6-2-2 observes the interface)")
            units:add("b", "PASS", "vacuous: " .. e.id .. " declares no security-relevant disclosure")
          else
            local w = lib.mentions(d, relevant)
            lib.review(units, "a", e.id .. ": declared not security-relevant: judge whether "
                .. lib.quote(d, 200) .. " is in fact security-relevant"
                .. (w and (" (it mentions \"" .. w .. "\")") or ""))
            units:add("b", "PASS", "vacuous: " .. e.id .. " declares no security-relevant disclosure")
          end
        else
          if empty then
            units:add("a", "FAIL", e.id .. ": discloses-security-relevant=true but \"Disclosed "
                .. "Information\" does not say what", lib.TEXT)
            units:add("b", "INCONCLUSIVE", e.id .. ": what is disclosed is not stated (unit a): "
                .. "whether it is needed cannot be judged")
          else
            units:add("a", "PASS", e.id .. ": labelled security-relevant (rule: the fact says so)")
            lib.review(units, "b", e.id .. ": judge whether disclosing " .. lib.quote(d, 200)
                .. " without authentication is needed for the device's operation")
          end
        end
      end
    end
    if n == 0 then
      units:rest("PASS", "vacuous: 15-Intf declares no network interface")
    end
    -- An interface whose relevance fact is missing leaves b open too.
    if not units:has("b") then
      units:add("b", "INCONCLUSIVE", "IXIT_MISSING:15-Intf/-/discloses-security-relevant (see "
          .. "unit a): whether anything security-relevant is disclosed is unknown")
    end
    return units:settle(n .. " interface disclosure(s) reviewed")
  end,
}

local MAX_TEXT = 16384
local MAX_LINE = 256

-- Security-relevant strings in an unauthenticated reply.  Bounded: at
-- most 16 KiB, examined line by line with lines cut at 256 bytes, so no
-- pattern can take more than linear time in the text (a hostile 1 MiB
-- page costs the same as 16 KiB).  Returns a sorted list of findings.
local function findings_in(text)
  local out, seen = {}, {}
  local function add(f) if not seen[f] then seen[f] = true; out[#out + 1] = f end end
  text = text:sub(1, MAX_TEXT)
  if text:find("PRIVATE KEY", 1, true) then add("a private key") end
  for line in text:gmatch("[^\n]*") do
    line = line:sub(1, MAX_LINE)
    local l = line:lower()
    if line:find("%f[%x]%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%f[^%x]") then
      add("a key-like hex string")
    end
    local v = l:match("firmware[%s:=/]*v?%d+%.%d+[%.%d]*")
    if v then
      add("the firmware version (\"" .. v .. "\")")
    else
      -- "lighttpd/1.4.69", "dropbear_2022.83", "version 2.0.11": a name of
      -- three letters or more joined by / or _, or the word version.
      local sw = line:match("%a%a%a[%a%-]*[/_]v?%d+%.%d+[%.%w%-]*") or
          l:match("version[%s:=]*v?%d+%.%d+[%.%w%-]*")
      if sw then add("a software version (\"" .. sw .. "\")") end
    end
    if l:find("password%s*[:=]") or l:find("passwd%s*[:=]") then add("a password") end
    if l:find("secret%s*[:=]") or l:find("token%s*[:=]") or l:find("key%s*[:=]") then
      add("a secret or key value")
    end
  end
  table.sort(out)
  return out
end

-- The 15-Intf entries that speak for a service.
local function intf_for(sid)
  return lib.interfaces_for(sid)
end

-- HTTP response as text (sorted headers, then the body).
local function http_text(r)
  local hdrs = {}
  for _, k in ipairs(lib.keys(r.headers or {})) do hdrs[#hdrs + 1] = k .. ": " .. tostring(r.headers[k]) end
  return table.concat(hdrs, "\n") .. "\n" .. (r.body or "")
end

-- f(...) when the probe exists, else nil and why (keeps both results:
-- `f and f(...)` would drop the error message).
local function call(f, ...)
  if f == nil then return nil, "probe not available" end
  return f(...)
end

-- What one declared or undeclared endpoint says without authentication:
-- list of {text, source}, and, when the endpoint gave nothing that could
-- be examined, why (an endpoint that was never examined cannot pass).
local function query(s, port, transport, kind)
  local out, why = {}, nil
  local host = s and lib.addr(s) or lib.host()
  local proto = s and s.protocol or kind
  if transport == "udp" then
    if proto == "coap" or proto == "coaps" or port == 5683 then
      local f = lib.probe("coap_get")
      local r, e = call(f, { host = host, port = port, dtls = proto == "coaps" or (s and s.security == "dtls"),
          timeout_ms = 3000 })
      why = e and ("CoAP GET: " .. tostring(e))
      if r then
        local links = {}
        for _, l in ipairs(r.resources or {}) do links[#links + 1] = tostring(l.href) end
        out[#out + 1] = { (r.payload or "") .. "\n" .. table.concat(links, "\n"),
            "CoAP /.well-known/core" }
      end
    elseif proto == "ssdp" or proto == "mdns" then
      local f = lib.probe("udp_probe")
      local r, e = call(f, { host = host, port = port, kind = proto, timeout_ms = 2000 })
      why = e and (proto:upper() .. ": " .. tostring(e))
      if r then out[#out + 1] = { r, proto:upper() .. " answer" } end
    end
    return out, (#out == 0) and (why or "no answer") or nil
  end
  if proto == "http" or proto == "https" then
    local http = lib.probe("http_request")
    local r, e = call(http, { url = lib.make_url(proto, host, port, "/"),
        max_read = 64 * 1024 })
    if r then out[#out + 1] = { http_text(r), "HTTP GET /" } end
    return out, (not r) and ("HTTP GET / gave no HTTP answer: " .. tostring(e)) or nil
  end
  if proto == "mqtt" or proto == "mqtts" then
    local f = lib.probe("mqtt_connect")
    if f then
      for _, filter in ipairs({ "#", "$SYS/#" }) do
        local r, mqerr = f({ host = host, port = port, tls = proto == "mqtts" or (s and s.security == "tls"),
            subscribe = filter, listen_ms = 1000, max_messages = 50 })
        -- Examined only on an answer that means something: a CONNACK
        -- refusing anonymous access for its credentials, or an accepted
        -- CONNECT whose SUBSCRIBE got a SUBACK.  A reserved CONNACK code,
        -- a refusal for another cause, or no SUBACK is no examination.
        local refused_auth = r ~= nil and not r.accepted and
            (r.code == 4 or r.code == 5 or r.code == 0x86 or r.code == 0x87 or r.code == 0x8C)
        local sub = r and r.accepted and r.subscription or nil
        if r == nil then
          why = "MQTT: " .. tostring(mqerr)
        elseif refused_auth then
          out[#out + 1] = { "", "MQTT CONNACK (" .. tostring(r.reason) .. ")" }
        elseif not r.accepted then
          why = "MQTT: CONNACK code " .. tostring(r.code) .. " (" .. tostring(r.reason)
              .. ") does not say anonymous access is refused: not examined"
        elseif sub == nil or sub.granted == nil then
          why = "MQTT: anonymous CONNECT accepted but no SUBACK for " .. filter .. ": "
              .. tostring(sub and sub.error or "no answer") .. ": not examined"
        elseif sub.granted >= 0x80 then
          out[#out + 1] = { "", "MQTT SUBSCRIBE " .. filter .. " refused (code "
              .. tostring(sub.granted) .. ")" }
        else
          local lines = {}
          for _, m in ipairs(sub.messages or {}) do
            lines[#lines + 1] = tostring(m.topic) .. " " .. tostring(m.payload):sub(1, 512)
          end
          out[#out + 1] = { table.concat(lines, "\n"), "an anonymous MQTT subscription to "
              .. filter, anonymous = #(sub.messages or {}) }
        end
      end
    end
    -- Both filters must be examined: "#" says nothing about "$SYS/#".
    return out, why or ((#out == 0) and "no MQTT answer" or nil)
  end
  if s and s.security == "tls" then
    -- A TLS service of another protocol: what it says after the handshake
    -- is out of reach of the banner probe; the certificate subject is.
    local hs = lib.probe("tls_handshake")
    local h, e = call(hs, { host = host, port = port })
    if h and h.chain and h.chain[1] then
      out[#out + 1] = { tostring(h.chain[1].subject) .. "\n" .. tostring(h.chain[1].issuer),
          "TLS certificate" }
    end
    return out, (#out == 0) and ("TLS handshake: " .. tostring(e or "no certificate")) or nil
  end
  local banner = lib.probe("banner")
  local b, e = call(banner, { host = host, port = port, timeout_ms = 1500, max_read = 4096 })
  if b and #b > 0 then out[#out + 1] = { b, "banner" } end
  -- A port that says nothing when connected to was examined: silence.
  return out, (b == nil) and ("banner: " .. tostring(e)) or nil
end

-- Unit a (TS 103 701): for each network interface, no security-relevant
-- information beyond "Disclosed Information" can be observed without
-- authentication.  Assay queries every open TCP port (HTTP(S) GET /, the
-- TLS certificate of other TLS services -- looser than the text: Assay
-- reads no application banner inside TLS except HTTP and MQTT --, banners
-- elsewhere), declared UDP services and undeclared discovery ports that
-- answer (CoAP resource discovery, SSDP/mDNS answers) and MQTT brokers
-- anonymously ("#" and "$SYS/#": retained and broker topics), and looks
-- for keys, key-like hex strings, firmware/software versions, passwords
-- and secrets (every reply, not only the first that leaks).  Judged
-- against the 15-Intf facts of the interface:
--   an undeclared port that discloses anything -> FAIL;
--   a private key -> FAIL anywhere (never needed);
--   discloses-security-relevant=false and something found, or an
--     anonymous MQTT read of messages -> FAIL;
--   discloses-security-relevant=true and something found -> REVIEW_PENDING
--     (whether "Disclosed Information" describes it is read by a person:
--     no keyword match between the finding and the text decides it);
--   fact absent and something found -> IXIT_MISSING; nothing found -> PASS.
-- Looser than the text: Assay's detectors are lists of patterns, so a PASS
-- means none of them matched.
testcase {
  id = "5.6-2-2",
  type = "functional",
  ixit = { "15-Intf" },
  purpose = "Unauthenticated queries of each network interface reveal no undeclared security-relevant information.",
  units = {
    a = {
      criterion = "No interface reveals, without authentication in the initialized state, security-relevant information missing from its Disclosed Information.",
      rule = "None of Assay's detectors (keys, secrets, passwords, versions, anonymous MQTT messages) fires on an unauthenticated reply, unless 15-Intf declares that disclosure.",
      decided = "automatic+assessor",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tcp_sweep, banner, http_request, mqtt_connect, "
        .. "coap_get, tls_handshake, udp_probe", "TCP ports 1-65535"))
    local sweep, err = lib.sweep()
    if not sweep then return units:stop("INCONCLUSIVE", err) end
    if #lib.entries(ITEM) == 0 then
      units:add("a", "FAIL", "15-Intf declares no interface: nothing to judge disclosures "
          .. "against (incomplete IXIT)")
    end
    local declared = lib.declared_ports()
    local targets = {}
    for _, p in ipairs(sweep.open) do targets[#targets + 1] = { "tcp", p, declared.tcp[p] } end
    for _, s in ipairs(assay.ixit.services) do
      if s.transport == "udp" then targets[#targets + 1] = { "udp", s.port, s } end
    end
    -- Discovery services that answer although no service declares them.
    local udp = lib.probe("udp_probe")
    for _, d in ipairs({ { 1900, "ssdp" }, { 5353, "mdns" }, { 5683, "coap" } }) do
      if declared.udp[d[1]] == nil and udp and udp({ host = lib.host(), port = d[1], kind = d[2], timeout_ms = 2000 }) then
        targets[#targets + 1] = { "udp", d[1], nil, d[2] }
      end
    end
    local probed, unexamined = 0, {}
    for _, t in ipairs(targets) do
      local transport, port, s = t[1], t[2], t[3]
      local kind = t[4]
      local where = transport .. "/" .. port .. (s and (" (" .. s.id .. ")") or " (undeclared)")
      local ents = s and intf_for(s.id) or {}
      local rel
      for _, e in ipairs(ents) do
        local v = lib.fact(e, "discloses-security-relevant")
        if v == true then rel = true elseif v == false and rel == nil then rel = false end
      end
      local replies, why_not = query(s, port, transport, kind)
      if why_not then unexamined[#unexamined + 1] = where .. ": " .. why_not end
      for _, reply in ipairs(replies) do
        probed = probed + 1
        a.log(where .. ": " .. reply[2] .. ": " .. lib.clip(reply[1], 300))
        local found = findings_in(reply[1])
        if reply.anonymous and reply.anonymous > 0 then
          found[#found + 1] = "messages readable without authentication"
        end
        if #found > 0 then
          local what = where .. " discloses " .. lib.join(found) .. " via " .. reply[2]
          local key = false
          for _, f in ipairs(found) do if f == "a private key" then key = true end end
          if s == nil then
            units:add("a", "FAIL", what .. " (an interface the IXIT does not declare)")
          elseif key then
            units:add("a", "FAIL", what .. ": a private key is never needed without authentication")
          elseif rel == false then
            units:add("a", "FAIL", what .. ", but 15-Intf declares "
                .. "discloses-security-relevant=false")
          elseif rel == true then
            local texts = {}
            for _, e in ipairs(ents) do
              texts[#texts + 1] = e.id .. ": " .. lib.quote(lib.field(e, "Disclosed Information")
                  or "(no text)", 160)
            end
            lib.review(units, "a", what .. ": judge whether the declared disclosure covers it ("
                .. table.concat(texts, "; ") .. ")")
          elseif #ents == 0 then
            units:add("a", "INCONCLUSIVE", "IXIT_MISSING:15-Intf/-/entry for service " .. s.id
                .. " (" .. what .. ")")
          else
            units:add("a", "INCONCLUSIVE", lib.missing(ITEM, ents[1], "discloses-security-relevant")
                .. " (" .. what .. ")")
          end
        end
      end
    end
    return lib.finish(units, "a", { open = unexamined,
        open_what = "not examined (nothing usable came back)",
        checked = probed .. " unauthenticated repl(ies) from " .. #targets
            .. " endpoint(s): no key, secret, password or version string found" },
        probed .. " unauthenticated replies examined: nothing security-relevant "
        .. "beyond the declarations")
  end,
}
