-- Test group 5.5-4: device functions reachable over the network in the
-- initialized state need authentication on that interface.
group "5.5-4"

-- The functions of this group: 13-SoftServ entries with network=true and
-- status=enabled (the initialized state); a missing status is
-- IXIT_MISSING.  13-SoftServ empty while services are declared FAILs
-- (policy rule 4: the services are functions the IXIT does not describe).
local function initial_functions(units, letter)
  local list = lib.network_services(units, letter, function(e)
    local st = lib.fact(e, "status")
    if st == nil then
      units:add(letter, "INCONCLUSIVE", lib.missing("13-SoftServ", e, "status"))
      return false
    end
    return st == "enabled"
  end)
  return list
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

-- 5.5-4-1 (lib.review_auth): a) every such function refers to a
-- 1-AuthMech entry (facts: refs), none FAILs; b) discrimination of
-- subjects, c) protection of the mechanism, d) authorisation: facts FAIL
-- first (channel-security=none on a network password, plaintext
-- password storage, empty Cryptographic Details or Description), the PASS
-- side is REVIEW_PENDING quoting the mechanism.  No such function at all:
-- PASS, vacuous, from the facts (every network function declared
-- disabled or not reachable).
testcase {
  id = "5.5-4-1",
  type = "conceptual",
  ixit = { "1-AuthMech", "13-SoftServ" },
  purpose = "Network-reachable functions in the initialized state name adequate authentication and authorisation.",
  units = {
    a = {
      criterion = "Every device function reachable over a network interface in the initialized state refers to at least one authentication mechanism.",
      rule = "PASS iff each 13-SoftServ entry with network=true, status=enabled refers to a 1-AuthMech entry; one without FAILs.",
      decided = "facts",
    },
    b = {
      criterion = "Each referenced authentication mechanism can tell authentication subjects apart and reject attempts with invalid identities or factors.",
      rule = "An empty or placeholder Description FAILs; otherwise a person's call.",
      decided = "assessor",
    },
    c = {
      criterion = "The means protecting each referenced authentication mechanism deliver its stated security guarantees and resist attempts to compromise it.",
      rule = "channel-security=none on a network password, password-storage=plaintext or empty Cryptographic Details FAIL; otherwise a person's call.",
      decided = "assessor",
    },
    d = {
      criterion = "The authorisation described for each referenced mechanism grants access to authenticated subjects with the right permissions and refuses everyone else.",
      rule = "An empty or placeholder Description FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    if #lib.entries("13-SoftServ") == 0 then return empty_item(units) end
    local list = initial_functions(units, "a")
    if #list == 0 and not units:has("a") then
      local v = "vacuous: no 13-SoftServ function is enabled and reachable over the network "
          .. "in the initialized state (facts network, status)"
      units:rest("PASS", v)
      return units:settle(v)
    end
    lib.review_auth(units, list)
    units:rest("INCONCLUSIVE", "not examined: the functions' facts are incomplete (unit a)")
    return units:settle(#list .. " network function(s) name authentication")
  end,
}

-- 5.5-4-2, for each service the functions above refer to, in the state the
-- device is in (the initialized state), with read-only requests only:
--   a) without credentials and with an invalid user and password: an MQTT
--      CONNECT (then a SUBSCRIBE to '#', listening 1 s), a CoAP GET of the
--      service path (or /.well-known/core), an HTTP GET of the service
--      path (2xx without a login form = open; 401/403 or a login form =
--      closed; a redirect is not judged here), a telnet/SSH login.  Any
--      access -> FAIL naming it; could not be told -> INCONCLUSIVE.  The
--      third subject of the text (authenticated without the right) needs
--      an account with fewer rights, which the set-up does not describe:
--      a person's observation (low-privilege-access), so a never PASSes
--      on the probes alone (looser automation, not a looser verdict).
--   b) the lab credential of the service logs in (one attempt): refused
--      FAILs, none in the set-up IXIT_MISSING; HTTP form logins cannot be
--      tried yet (INCONCLUSIVE).
--   c) the channel is as declared (5.5-1-2's lib.check_service).
--   a, the write step (lib.write_checks): a function whose write endpoint
--      is declared (13-SoftServ facts config-topic on an MQTT service,
--      config-path + config-method on a CoAP one) is written without
--      credentials and, on MQTT, with invalid ones: the current value is
--      read first (the retained message as the lab credential or
--      anonymously; a CoAP GET) and written back unchanged, so the write
--      changes nothing.  Accepted (the PUBLISH delivered to a subscriber,
--      a 2.xx to the PUT/POST) FAILs with what was written; refused is a
--      PASS finding; nothing to write back, or a busy topic, INCONCLUSIVE
--      naming why.  A function without a declared endpoint is only probed
--      read-only (a command endpoint Assay does not know is not guessed).
-- Stricter than the text: the read-only checks stay beside the write, so
-- a broker that admits anonymous sessions FAILs a even when its ACL
-- refuses the write (an anonymous session on the function's service is
-- already use of it).  Looser: HTTP APIs get only the read-only GET (no
-- HTTP write yet), and a write endpoint whose value cannot be read back
-- is not written (INCONCLUSIVE, no lab-declared payload yet).
testcase {
  id = "5.5-4-2",
  type = "functional",
  ixit = { "1-AuthMech", "13-SoftServ" },
  exclusive = "credentials",
  purpose = "Network functions refuse unauthenticated and invalid access, admit the authorised user and are protected as declared.",
  units = {
    a = {
      criterion = "No network function in the initialized state can be used without authentication, with an invalid identity or credential, or by an authenticated subject lacking the right.",
      rule = "Any access without or with invalid credentials FAILs; refused everywhere, plus a person's check with a low-privilege account, PASSes.",
      observation = "low-privilege-access",
      observe = "log in with an account that lacks the right to each function (or confirm the device has only one role) and try the function; note whether it is refused",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "An authenticated subject with the right can use each network function in the initialized state.",
      rule = "PASS iff the lab credential of each service logs in; refused FAILs; no credential IXIT_MISSING.",
      decided = "automatic",
      reach = "network",
    },
    c = {
      criterion = "The protection of each authentication mechanism seen on the wire matches its declared guarantees and cryptographic details.",
      rule = "5.5-1-2's rules on each service the functions refer to.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("mqtt_connect, mqtt_publish, coap_get, coap_request, "
        .. "http_request, telnet_login, ssh_login, tls_enumerate, tls_handshake, ssh_info, dtls_probe"))
    if #lib.entries("13-SoftServ") == 0 then return empty_item(units) end
    local list = initial_functions(units, "a")
    if #list == 0 and not units:has("a") then
      local v = "vacuous: no 13-SoftServ function is enabled and reachable over the network "
          .. "in the initialized state (facts network, status)"
      units:rest("PASS", v, lib.FACTS)
      return units:settle(v)
    end
    local tried = lib.access_checks(units, "a", "b", "c", list)
    local writes = lib.write_checks(units, "a", list, false)
    if assay.unit_verdict("a") ~= "FAIL" and #tried > 0 then
      lib.manual_note(units, "a", "refused without and with invalid credentials on "
          .. lib.join(tried) .. (#writes > 0 and ("; writes refused: " .. lib.join(writes)) or ""))
    end
    units:rest("INCONCLUSIVE", "not examined: the functions' facts are incomplete (unit a)")
    return units:settle("no network function usable without authentication ("
        .. lib.join(tried) .. ")")
  end,
}
