-- Test group 5.1-3: authentication to the device uses best-practice
-- cryptography.
group "5.1-3"

local ITEM = "1-AuthMech"

-- User authentication mechanisms by the `user-auth` fact; entries without
-- it are reported IXIT_MISSING on unit `letter`.
local function user_auth_entries(units, letter)
  return lib.entries_where(units, letter, ITEM, lib.is_user_auth, "user-auth")
end

-- Channel protection of a mechanism: the `channel-security` fact, else the
-- `security` attribute of the services it refers to (both structured).
local function channel(e)
  local c = lib.fact(e, "channel-security")
  if c then return c, "channel-security=" .. c end
  local secs = {}
  for _, s in ipairs(lib.services(e)) do
    if s.security == "none" then return "none", "service " .. s.id .. " security=none" end
    secs[#secs + 1] = s.security
  end
  if #secs > 0 then return secs[1], "service security=" .. secs[1] end
  return nil
end

local bad_storage = { plaintext = "kept in plain text", reversible = "stored reversibly",
    ["fast-hash"] = "stored with a fast hash (no salted, costly key derivation as NIST "
    .. "SP 800-63B 5.1.1.2 asks)" }

-- Units (TS 103 701), for each user authentication mechanism: a) the
-- "Security Guarantees" suit user authentication (at least integrity and
-- authenticity), b) the "Description" achieves them, c) the "Cryptographic
-- Details" are best practice, d) no feasible attack is known.
--
-- Facts that FAIL: a password/PIN carried on a channel declared
-- security "none" (c, d: the secret can be read off the network);
-- password-storage plaintext / reversible / fast-hash (c).  An empty or
-- placeholder "Security Guarantees" or "Description" FAILs a / b.  All
-- PASS sides are REVIEW_PENDING quoting the text: "appropriate" and "best
-- practice" are an assessor's judgement (no keyword list decides them;
-- stricter than the former keyword PASS, which passed "we don't use TLS").
-- Completeness: ICS condition 8 (users can authenticate) with no
-- user-auth=true mechanism -> FAIL.
testcase {
  id = "5.1-3-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "User authentication has suitable guarantees, a design achieving them, best-practice cryptography and no known feasible attack.",
  units = {
    a = {
      criterion = "For each user authentication mechanism, the stated security guarantees suit user authentication, with at least integrity and authenticity.",
      rule = "Empty or placeholder Security Guarantees FAIL; whether stated guarantees suit the use is a person's call.",
    },
    b = {
      criterion = "For each user authentication mechanism, the described design is fit to deliver the stated security guarantees.",
      rule = "An empty or placeholder Description FAILs; whether the design delivers is a person's call.",
    },
    c = {
      criterion = "For each user authentication mechanism, the cryptography used is best practice for user authentication by a reference catalogue, or justified by the manufacturer.",
      rule = "A password on a security=none channel, or password-storage plaintext, reversible or fast-hash, FAILs; best practice is a person's call.",
    },
    d = {
      criterion = "For each user authentication mechanism, no feasible attack on its cryptography is known for the guarantees it is meant to give.",
      rule = "A password on a security=none channel FAILs; known attacks are a person's call.",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = user_auth_entries(units, "a")
    if #list == 0 and units:has("a") then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:1-AuthMech/-/user-auth (see unit a): "
          .. "which mechanisms authenticate users is unknown")
    end
    if #list == 0 then
      if assay.ics.conditions[8] then
        return units:stop("FAIL", "the ICS says users can authenticate (condition 8) but "
            .. "1-AuthMech declares no mechanism with user-auth=true: the IXIT is incomplete")
      end
      units:rest("PASS", "vacuous: 1-AuthMech declares no user authentication mechanism")
      return units:settle("vacuous: 1-AuthMech declares no user authentication mechanism")
    end
    for _, e in ipairs(list) do
      local fails = {}
      local pw = lib.is_password(e)
      local ch, why = channel(e)
      if pw and ch == "none" and lib.is_network(e) then
        fails[#fails + 1] = { "c", e.id .. ": the password travels unprotected (" .. why .. ")" }
        fails[#fails + 1] = { "d", e.id .. ": a password on an unencrypted channel can be "
            .. "read by anyone on the path (" .. why .. ")" }
      end
      local st = lib.fact(e, "password-storage")
      if pw and st and bad_storage[st] then
        fails[#fails + 1] = { "c", e.id .. ": password-storage=" .. st .. ": the verifier is "
            .. bad_storage[st] }
      end
      lib.review_crypto(units, ITEM, e, fails)
    end
    return units:settle(#list .. " user authentication mechanism(s) reviewed")
  end,
}

local weak_ssh = { "3des", "arcfour", "blowfish", "cast128", "hmac-md5", "hmac-sha1-96",
    "diffie-hellman-group1-sha1", "ssh-dss", "none" }

-- tls-versions declared by the 11-ComMech entries of a service (set), or nil.
local function declared_versions(s)
  local set, any = {}, false
  for _, e in ipairs(lib.entries_for_service("11-ComMech", s.id)) do
    for _, v in ipairs(lib.fact_list(e, "tls-versions") or {}) do
      set[lib.tls_name(v)] = true
      any = true
    end
  end
  return any and set or nil
end

-- Unit a (TS 103 701): the user authentication mechanisms use the declared
-- cryptographic details.  For each service a user-auth mechanism refers
-- to: the channel protection declared (channel-security, else the
-- service's security) must be what the port speaks (TLS handshake, SSH
-- identification); a password over security "none" is a clear-text login
-- -> FAIL; a downgrade to a TLS version not in the declared tls-versions,
-- or any deprecated version, -> FAIL; weak SSH algorithms offered -> FAIL.
-- Also judged (stricter than the text, which lists only declared
-- mechanisms): login services the full sweep finds on undeclared ports
-- (telnet-like prompts, HTTP authentication without TLS, FTP) and
-- declared clear-text services that challenge for a password: a
-- clear-text login is a FAIL whatever the IXIT says.
testcase {
  id = "5.1-3-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "The DUT's user authentication actually uses the declared cryptographic details.",
  units = {
    a = {
      criterion = "Each user authentication mechanism on the device actually uses the cryptography its IXIT entry describes.",
      rule = "Per login channel: the declared protection is spoken, no deprecated or undeclared TLS version, no weak SSH algorithm, no clear-text login anywhere the sweep looks.",
    },
  },
  run = function(a)
    local units = lib.units({ basis = "probe" })
    local TLS = lib.probed("tls_handshake, tls_enumerate")
    local SSH = lib.probed("ssh_info")
    local list = user_auth_entries(units, "a")
    local hs = lib.probe("tls_handshake")
    local enum = lib.probe("tls_enumerate")
    local info = lib.probe("ssh_info")
    local checked, seen = {}, {}
    for _, e in ipairs(list) do
      local pw = lib.is_password(e)
      local declared_ch = lib.fact(e, "channel-security")
      for _, s in ipairs(lib.services(e)) do
        seen[s.id] = true
        -- The service's own security attribute says what the port speaks;
        -- the mechanism's channel-security fact is held against it.
        local ch = s.security or declared_ch
        -- SSH encrypts by itself (IXIT version 1 could only say "none").
        if s.protocol == "ssh" then ch = "ssh" end
        local where = e.id .. "@" .. s.id .. " (" .. s.protocol .. "/" .. s.port .. ")"
        checked[#checked + 1] = where
        if declared_ch and declared_ch ~= "none" and ch == "none" then
          units:add("a", "FAIL", where .. ": channel-security=" .. declared_ch .. " is declared, "
              .. "but the service is plaintext (security none)", lib.FACTS)
        end
        if ch == "tls" then
          local h, err
          if hs then h, err = hs({ host = lib.addr(s), port = s.port }) else err = "no TLS probe" end
          if not h then
            if err and err:find("^not TLS") then
              units:add("a", "FAIL", where .. ": declared TLS, but " .. err, TLS)
            else
              units:add("a", "INCONCLUSIVE", "DUT_UNREACHABLE: " .. where .. ": " .. tostring(err),
                  TLS)
            end
          else
            a.log(string.format("%s: %s %s", where, tostring(h.protocol), tostring(h.cipher)))
            local want = declared_versions(s)
            local got = {}
            if enum then
              local r = enum({ host = lib.addr(s), port = s.port, ciphers = false })
              if r then
                for _, v in ipairs(lib.keys(r.versions or {})) do
                  if r.versions[v] == true then got[#got + 1] = lib.tls_name(v) end
                end
              end
            end
            if #got == 0 then got = { lib.tls_name(h.protocol) } end
            local bad = {}
            for _, v in ipairs(got) do
              if lib.bad_tls_versions[v] then
                bad[#bad + 1] = v .. " (deprecated)"
              elseif want and not want[v] then
                bad[#bad + 1] = v .. " (not in the declared tls-versions)"
              end
            end
            if #bad > 0 then
              units:add("a", "FAIL", where .. ": the login channel accepts " .. lib.join(bad), TLS)
            else
              units:add("a", "PASS", where .. ": TLS as declared (" .. table.concat(got, ", ")
                  .. (want and "" or "; no tls-versions fact, judged against deprecated versions only")
                  .. ")", TLS)
            end
          end
        elseif ch == "ssh" or s.protocol == "ssh" then
          local r, err
          if info then r, err = info({ host = lib.addr(s), port = s.port }) else err = "no SSH probe" end
          if not r then
            units:add("a", "INCONCLUSIVE", "DUT_UNREACHABLE: " .. where .. ": " .. tostring(err),
                SSH)
          else
            local offered = {}
            for _, k in ipairs({ "kex", "hostkey", "ciphers", "macs" }) do
              for _, x in ipairs(r[k] or {}) do offered[#offered + 1] = x end
            end
            local weak = {}
            for _, w in ipairs(weak_ssh) do
              for _, x in ipairs(offered) do
                if x == w or (w ~= "none" and x:find(w, 1, true)) then weak[#weak + 1] = x end
              end
            end
            if #weak > 0 then
              units:add("a", "FAIL", where .. ": offers weak SSH algorithm(s) " .. lib.join(weak), SSH)
            else
              units:add("a", "PASS", where .. ": SSH algorithms offered are current", SSH)
            end
          end
        elseif ch == "none" then
          if pw then
            units:add("a", "FAIL", where .. ": credentials travel in clear text over "
                .. s.protocol .. " (declared security none)", lib.FACTS)
          elseif pw == nil then
            units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "factor"), lib.FACTS)
          else
            units:add("a", "PASS", where .. ": no password on this channel (factor="
                .. lib.show(lib.fact(e, "factor")) .. ")", lib.FACTS)
          end
        else
          units:add("a", "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. where .. ": channel "
              .. tostring(ch) .. " cannot be observed by Assay; capture the login and compare",
              lib.PERSON)
        end
      end
    end
    -- Login services the IXIT does not tie to a user-auth mechanism.
    local by_service = {}
    for _, e in ipairs(lib.entries(ITEM)) do
      for _, s in ipairs(lib.services(e)) do by_service[s.id] = by_service[s.id] or e.id end
    end
    for _, s in ipairs(assay.ixit.services) do
      if not seen[s.id] and s.security == "none" and
          (s.protocol == "telnet" or ((s.protocol == "http") and lib.password_protected(s))) then
        units:add("a", "FAIL", s.id .. " (" .. s.protocol .. "/" .. s.port .. "): a clear-text "
            .. "login" .. (by_service[s.id] and (" (1-AuthMech " .. by_service[s.id] .. ")")
            or " that no 1-AuthMech entry declares") .. ": credentials travel in clear text",
            lib.probed("http_request"))
      end
    end
    local sweep, sweep_err = lib.sweep()
    if sweep then
      for _, l in ipairs(lib.undeclared_logins(sweep)) do
        units:add("a", "FAIL", "tcp/" .. l.port .. " (undeclared): " .. l.detail
            .. ": credentials would travel in clear text",
            lib.probed("tcp_sweep, banner, http_request", "TCP ports 1-65535"))
      end
    end
    if #checked == 0 and not units:has("a") then
      if assay.ics.conditions[8] then
        units:add("a", "FAIL", "the ICS says users can authenticate (condition 8) but no "
            .. "user-auth mechanism refers to a service Assay can observe", lib.FACTS)
      elseif not sweep then
        units:add("a", "INCONCLUSIVE", tostring(sweep_err) .. " (no declared user "
            .. "authentication to observe; the sweep for undeclared logins did not run)",
            lib.probed("tcp_sweep"))
      else
        units:add("a", "PASS", "vacuous: no network-reachable user authentication declared, "
            .. "none found by the sweep", lib.probed("tcp_sweep", "TCP ports 1-65535"))
      end
    end
    return units:settle("user authentication on " .. lib.join(checked)
        .. " uses the declared channel protection")
  end,
}
