-- Test group 5.5-5: security-relevant configuration changes over a network
-- interface need authentication.
group "5.5-5"

-- Relied-upon network service protocols whose configuration the
-- manufacturer cannot foresee (the text's exclusion, e.g. DHCP): the
-- protocols of the services a function refers to, all of them in this set.
local RELIED = { dhcp = true, dhcpv6 = true, dns = true, mdns = true, ntp = true, slaac = true,
  ["ipv6-nd"] = true, arp = true }

local function relied_upon(e)
  local svcs = lib.services(e)
  if #svcs == 0 then return false end
  for _, s in ipairs(svcs) do
    if not RELIED[tostring(s.protocol):lower()] then return false end
  end
  return true
end

-- The functions of this group: 13-SoftServ entries with network=true and
-- allows-configuration=true, in any state (the text: all states, so a
-- disabled-by-default function counts too), except relied-upon network
-- service protocols.  allows-configuration missing -> IXIT_MISSING.
local function config_functions(units, letter)
  local excluded = {}
  local list = lib.network_services(units, letter, function(e)
    local c = lib.fact(e, "allows-configuration")
    if c == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing("13-SoftServ", e, "allows-configuration"))
      return false
    end
    if c and relied_upon(e) then
      excluded[#excluded + 1] = e.id
      return false
    end
    return c
  end)
  return list, excluded
end

-- 13-SoftServ empty: the ending of the test case.
local function empty_item(units)
  if #assay.ixit.services > 0 then
    return units:stop("FAIL", "13-SoftServ declares no function although "
        .. #assay.ixit.services .. " service(s) are declared: the IXIT is incomplete", lib.FACTS)
  end
  return units:stop("INCONCLUSIVE", "IXIT_MISSING:13-SoftServ/-/-: no function declared",
      lib.FACTS)
end

-- 5.5-5-1 a: 5.5-4-1's units a-d (lib.review_auth) over the functions
-- allowing security-relevant configuration, in all states; each finding
-- is recorded on a naming the 5.5-4-1 unit it comes from.  A function
-- without an authentication mechanism FAILs; the PASS side of b-d is
-- REVIEW_PENDING.  None allowing configuration: PASS, vacuous, from the
-- facts (every network function declares allows-configuration=false).
testcase {
  id = "5.5-5-1",
  type = "conceptual",
  ixit = { "1-AuthMech", "13-SoftServ" },
  purpose = "Functions allowing security-relevant configuration over the network name adequate authentication in every state.",
  units = {
    a = {
      criterion = "The review of 5.5-4-1 holds, in every device state, for the network functions that allow security-relevant configuration changes (relied-upon protocols such as DHCP excepted).",
      rule = "A configuration function without a 1-AuthMech reference, or 5.5-4-1's fact FAILs, FAIL; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    if #lib.entries("13-SoftServ") == 0 then return empty_item(units) end
    local list, excluded = config_functions(units, "a")
    local ex = #excluded > 0 and (" (relied-upon protocols excluded: " .. lib.join(excluded) .. ")") or ""
    if #list == 0 then
      if not units:has("a") then
        units:add("a", "PASS", "vacuous: no network function allows security-relevant "
            .. "configuration (facts allows-configuration)" .. ex)
      end
      return units:settle("vacuous" .. ex)
    end
    lib.review_auth(lib.onto(units, "a", "5.5-4-1"), list)
    return units:settle(#list .. " configuration function(s) name authentication" .. ex)
  end,
}

-- 5.5-5-2:
--   a) 5.5-4-2's checks (lib.access_checks: no credentials and invalid
--      credentials refused, the lab credential admitted, the channel as
--      declared) on the services of the configuration functions, each
--      finding on a; then the write step (lib.write_checks, as in
--      5.5-4-2): the declared configuration endpoint (config-topic,
--      config-path + config-method) is written without credentials (and
--      with invalid ones on MQTT) with the value read from it first, so
--      nothing needs restoring; accepted FAILs naming what was written,
--      refused is a PASS finding, not told INCONCLUSIVE with why, and a
--      configuration function on MQTT or CoAP without a declared endpoint
--      is IXIT_MISSING (stricter than 5.5-4-2: here the text is about
--      changing configuration, so the write is the test).  The write
--      happens in the state the device is in; the text asks for every state; Assay sees the state the device is
--      in, so a person repeats the unauthenticated calls in the factory
--      default state (observation factory-default-config): a never PASSes
--      on the probes alone.
--   b) a full TCP sweep: an open port no declared service has, or a
--      declared service no 11-ComMech entry refers to, FAILs (a
--      communication mechanism the IXIT does not document).  Looser: UDP
--      is not swept (no UDP sweep probe); a person checks UDP.
testcase {
  id = "5.5-5-2",
  type = "functional",
  ixit = { "1-AuthMech", "11-ComMech", "13-SoftServ" },
  exclusive = "credentials",
  purpose = "Configuration functions refuse unauthenticated access in every state, and no undocumented communication mechanism is reachable.",
  units = {
    a = {
      criterion = "The tests of 5.5-4-2 hold, in every device state, for the network functions that allow security-relevant configuration changes (relied-upon protocols excepted).",
      rule = "Access without or with invalid credentials, the lab credential refused, or a channel unlike its declaration FAIL; a person repeats it in the factory default state.",
      observation = "factory-default-config",
      observe = "reset the device to factory defaults and, before any set-up, try each configuration function without credentials; note whether any is usable",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "No communication mechanism that 11-ComMech does not document is reachable over a network interface of the device.",
      rule = "An undeclared open TCP port, or a declared service no 11-ComMech entry covers, FAILs; no sweep INCONCLUSIVE.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("mqtt_connect, mqtt_publish, coap_get, coap_request, "
        .. "http_request, telnet_login, ssh_login, tls_enumerate, tls_handshake, ssh_info, "
        .. "dtls_probe, tcp_sweep"))
    if #lib.entries("13-SoftServ") == 0 then return empty_item(units) end
    -- b first: the sweep is shared and says whether the device is there.
    local sweep, err = lib.sweep()
    local sh = lib.probed("tcp_sweep", "TCP ports 1-65535")
    if not sweep then
      units:add("b", "INCONCLUSIVE", tostring(err), sh)
    else
      local extra = lib.undeclared_tcp(sweep)
      if #extra > 0 then
        local l = {}
        for i, p in ipairs(extra) do
          if i > 32 then l[#l + 1] = "and " .. (#extra - 32) .. " more"; break end
          l[#l + 1] = "tcp/" .. p
        end
        units:add("b", "FAIL", "open port(s) " .. lib.join(l) .. " not declared: a "
            .. "communication mechanism 11-ComMech does not document", sh)
      end
      local covered = {}
      for _, e in ipairs(lib.entries("11-ComMech")) do
        for _, s in ipairs(lib.services(e)) do covered[s.id] = true end
      end
      for _, s in ipairs(assay.ixit.services) do
        if not covered[s.id] then
          units:add("b", "FAIL", "service " .. s.id .. " (" .. s.transport .. "/" .. s.port
              .. ") is declared but no 11-ComMech entry documents it", lib.FACTS)
        end
      end
      if not units:has("b") then
        units:add("b", "PASS", sweep.open_count .. " open TCP port(s), all declared and "
            .. "documented in 11-ComMech (UDP not swept)", sh)
      end
    end
    local list, excluded = config_functions(units, "a")
    if #list == 0 then
      if not units:has("a") then
        units:add("a", "PASS", "vacuous: no network function allows security-relevant "
            .. "configuration (facts allows-configuration)", lib.FACTS)
      end
      return units:settle("vacuous for a; every open port documented")
    end
    local tried = lib.access_checks(units, "a", "a", "a", list)
    local writes = lib.write_checks(units, "a", list, true)
    if assay.unit_verdict("a") ~= "FAIL" and #tried > 0 then
      lib.manual_note(units, "a", "in the initialized state refused without and with "
          .. "invalid credentials on " .. lib.join(tried)
          .. (#writes > 0 and ("; writes refused: " .. lib.join(writes)) or "")
          .. (#excluded > 0 and ("; relied-upon protocols excluded: " .. lib.join(excluded)) or ""))
    end
    return units:settle("configuration functions need authentication; every mechanism documented")
  end,
}
