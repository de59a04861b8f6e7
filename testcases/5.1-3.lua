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
-- Facts that FAIL: an 11-ComMech channel of the mechanism's service
-- whose `guarantees` lack integrity or authenticity (a); a password/PIN
-- carried on a channel declared
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
      rule = "Empty or placeholder Security Guarantees, or a channel of the mechanism declaring guarantees without integrity or authenticity, FAIL; whether stated guarantees suit the use is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "For each user authentication mechanism, the described design is fit to deliver the stated security guarantees.",
      rule = "An empty or placeholder Description FAILs; whether the design delivers is a person's call.",
      decided = "assessor",
    },
    c = {
      criterion = "For each user authentication mechanism, the cryptography used is best practice for user authentication by a reference catalogue, or justified by the manufacturer.",
      rule = "A password on a security=none channel, or password-storage plaintext, reversible or fast-hash, FAILs; best practice is a person's call.",
      decided = "assessor",
    },
    d = {
      criterion = "For each user authentication mechanism, no feasible attack on its cryptography is known for the guarantees it is meant to give.",
      rule = "A password on a security=none channel FAILs; known attacks are a person's call.",
      decided = "assessor",
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
      -- At least integrity and authenticity (the unit's floor): a
      -- network mechanism whose channel declares guarantees without them
      -- cannot give them to the authentication it carries.
      for _, sv in ipairs(lib.services(e)) do
        for _, c in ipairs(lib.entries_for_service("11-ComMech", sv.id)) do
          local g = lib.fact_list(c, "guarantees")
          if g ~= nil and lib.is_network(e) ~= false then
            local lacks = {}
            for _, want in ipairs({ "integrity", "authenticity" }) do
              if not lib.fact_has(c, "guarantees", want) then lacks[#lacks + 1] = want end
            end
            if #lacks > 0 then
              fails[#fails + 1] = { "a", e.id .. ": its channel " .. c.id .. " (" .. sv.id
                  .. ") declares guarantees=" .. lib.show(g) .. ", without "
                  .. lib.join(lacks) .. ": user authentication needs at least integrity and "
                  .. "authenticity" }
            end
          end
        end
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

-- Password-storage classes of crypt(3) schemes as the firmware probe names
-- them (docs/probe_firmware.md): MD5-crypt, DES and unsalted digests are
-- fast; bcrypt, the SHA-2 crypts (5000 rounds by default), scrypt and
-- yescrypt are deliberately costly.
local scheme_class = {
  des = "fast-hash", ["bsdi-des"] = "fast-hash", md5 = "fast-hash", sha1 = "fast-hash",
  nt = "fast-hash", sunmd5 = "fast-hash", bcrypt = "slow-hash", sha256 = "slow-hash",
  sha512 = "slow-hash", yescrypt = "slow-hash", ["gost-yescrypt"] = "slow-hash",
  scrypt = "slow-hash",
}
-- How weak a declared or observed storage is: a worse observation than the
-- declaration is a finding.
local storage_rank = { none = 0, plaintext = 0, reversible = 1, ["fast-hash"] = 2,
    ["slow-hash"] = 3 }

-- The firmware images of the set-up, analysed once per test case with the
-- lab's passwords as declared secrets (labelled by credential id).
local fw_cache
local function firmware_images()
  if fw_cache then return fw_cache end
  fw_cache = {}
  local arts = assay.setup.artefacts and assay.setup.artefacts.firmware or {}
  if #arts == 0 then return fw_cache end
  local f = lib.probe("firmware")
  local secrets = {}
  for _, c in ipairs(lib.credentials()) do
    if c.password and c.password ~= "" then
      secrets[#secrets + 1] = { label = c.id, value = c.password }
    end
  end
  for _, art in ipairs(arts) do
    local r, why
    if f then r, why = f({ id = art.id, secrets = secrets }) else why = "no firmware probe" end
    fw_cache[#fw_cache + 1] = { id = art.id, r = r, why = why }
  end
  return fw_cache
end

-- Storage of entry e's password as the firmware images show it, held
-- against password-storage.  OS logins (telnet, SSH) keep their verifiers
-- in etc/shadow, whose schemes the probe reads; for any mechanism, a lab
-- password found raw in an image is a verifier kept in clear.  Anything
-- else cannot be seen in an image: the declared observation.
local function check_storage(units, e, where_list)
  local st = lib.fact(e, "password-storage")
  if st == nil then
    units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "password-storage"), lib.FACTS)
    return
  end
  local imgs = firmware_images()
  local FW = lib.probed("firmware", #imgs .. " image(s) of the set-up")
  local os_login = false
  for _, s in ipairs(lib.services(e)) do
    if s.protocol == "telnet" or s.protocol == "ssh" then os_login = true end
  end
  local sids = {}
  for _, s in ipairs(lib.services(e)) do sids[s.id] = true end
  local decided = false
  for _, img in ipairs(imgs) do
    if img.r == nil then
      units:add("a", "INCONCLUSIVE", "firmware image " .. img.id .. " could not be analysed: "
          .. lib.clip(tostring(img.why), 160), FW)
      decided = true
    else
      for _, c in ipairs(img.r.credentials or {}) do
        local label = tostring(c.label):match("^declared:(.+)$")
        for _, cred in ipairs(lib.credentials()) do
          if label == cred.id and sids[cred.service] and storage_rank[st] > 0 then
            units:add("a", "FAIL", e.id .. " declares password-storage=" .. st .. ", but the "
                .. "password of set-up credential " .. cred.id .. " stands in clear in "
                .. "firmware image " .. img.id .. " (" .. tostring(c.path) .. ")", FW)
            decided = true
          end
        end
      end
      if os_login then
        local schemes, worse = {}, {}
        for _, acc in ipairs(img.r.accounts or {}) do
          if not acc.locked then
            local cls = acc.empty and "none" or scheme_class[tostring(acc.scheme)]
            schemes[#schemes + 1] = tostring(acc.user) .. ":" .. tostring(acc.scheme)
            if cls and storage_rank[cls] < storage_rank[st] then
              worse[#worse + 1] = tostring(acc.user) .. " (" .. tostring(acc.scheme)
                  .. (acc.empty and ", empty password" or "") .. ")"
            end
          end
        end
        if #worse > 0 then
          units:add("a", "FAIL", e.id .. " declares password-storage=" .. st .. ", but "
              .. "firmware image " .. img.id .. " keeps " .. lib.join(worse) .. " in its "
              .. "account files", FW)
          decided = true
        elseif #schemes > 0 then
          units:add("a", "PASS", e.id .. ": the account files of firmware image " .. img.id
              .. " use " .. lib.join(schemes) .. ", consistent with password-storage=" .. st, FW)
          decided = true
        end
      end
    end
  end
  if not decided then
    units:add("a", "INCONCLUSIVE", "MANUAL_STEP_PENDING: stored-verifier: " .. e.id
        .. " (" .. lib.join(where_list) .. ") declares password-storage=" .. st
        .. (#imgs == 0 and "; the set-up supplies no firmware image" or
        "; the firmware image does not show this verifier")
        .. ": read how the device stores it and compare", lib.PERSON)
  end
end

-- Unit a (TS 103 701): the cryptographic settings each user authentication
-- mechanism really uses agree with its IXIT documentation (versions,
-- suites, certificates, protocol modes, how the verifier is stored).  The
-- unit PASSes when nothing observed differs from the declaration, so every
-- declared setting Assay compares must have been seen:
--   - channel: the mechanism's channel-security against the security the
--     service speaks (a declared protection the port lacks -> FAIL);
--   - TLS login channels: lib.check_service (5.5-1-2's rules) against the
--     11-ComMech facts of the service: a version accepted that
--     tls-versions does not list, or a declared version refused, a suite
--     outside tls-suites, a certificate key or signature weaker than
--     best practice, a port that does not speak TLS -> FAIL; versions
--     untestable -> INCONCLUSIVE; no tls-versions or no tls-suites fact ->
--     IXIT_MISSING (the setting cannot be compared: stricter than
--     5.5-1-2, which accepts a channel without tls-suites);
--   - SSH: weak algorithms offered -> FAIL; the IXIT has no structured
--     SSH algorithm facts, so whether the offered algorithms are the ones
--     "Cryptographic Details" describes is REVIEW_PENDING, quoting both;
--   - a password over a plaintext channel -> FAIL (the credential is
--     exposed, whatever the IXIT says);
--   - storage: password-storage against the firmware images of the
--     set-up (check_storage above); without an image it is the
--     observation stored-verifier.  Looser than a full analysis: only
--     etc/shadow schemes and lab passwords found raw are compared.
-- Stricter than the text (which lists only declared mechanisms): declared
-- clear-text services that challenge for a password and undeclared
-- login ports the full sweep finds are FAILs, and deprecated TLS versions
-- FAIL even where declared (the downgrade the unit's EXAMPLE 3 tries).
-- Completeness: condition 8 with no user-auth mechanism observable ->
-- FAIL.
testcase {
  id = "5.1-3-2",
  type = "functional",
  ixit = { "1-AuthMech", "11-ComMech" },
  purpose = "The DUT's user authentication really uses the cryptographic settings its IXIT declares.",
  units = {
    a = {
      criterion = "Each user authentication mechanism on the device is seen to use the cryptographic settings its IXIT entry documents, with nothing observed that differs.",
      rule = "Per login channel: protection, TLS versions and suites, certificates and SSH algorithms as declared (facts missing: IXIT_MISSING); storage vs password-storage from the firmware; any difference or clear-text login FAILs.",
      observation = "stored-verifier",
      observe = "From the device's file system or firmware, read how each login's password verifier is stored (file, scheme, cost) and compare it with the declared password-storage.",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units({ basis = "probe" })
    local TLS = lib.probed("tls_enumerate, tls_handshake")
    local SSH = lib.probed("ssh_info")
    local list = user_auth_entries(units, "a")
    local info = lib.probe("ssh_info")
    local checked, seen = {}, {}
    for _, e in ipairs(list) do
      local pw = lib.is_password(e)
      local declared_ch = lib.fact(e, "channel-security")
      local wheres = {}
      for _, s in ipairs(lib.services(e)) do
        seen[s.id] = true
        -- The service's own security attribute says what the port speaks;
        -- the mechanism's channel-security fact is held against it.
        local ch = s.security or declared_ch
        -- SSH encrypts by itself (IXIT version 1 could only say "none").
        if s.protocol == "ssh" then ch = "ssh" end
        local where = e.id .. "@" .. s.id .. " (" .. s.protocol .. "/" .. s.port .. ")"
        checked[#checked + 1] = where
        wheres[#wheres + 1] = s.id
        -- Only a declared protection the port lacks differs in the
        -- dangerous direction; one channel-security fact covers every
        -- service of the mechanism, so "none" beside a TLS port is not
        -- held against it.
        if declared_ch and declared_ch ~= "none" and declared_ch ~= ch and
            declared_ch ~= "other" then
          units:add("a", "FAIL", where .. ": channel-security=" .. declared_ch .. " is declared, "
              .. "but the service speaks " .. tostring(ch), lib.FACTS)
        end
        if (ch == "tls" and s.transport ~= "udp") or ch == "dtls" then
          units.how = TLS
          lib.check_service(units, "a", s)
          if ch == "tls" then
            local ents = lib.entries_for_service("11-ComMech", s.id)
            local has = false
            for _, c in ipairs(ents) do
              if lib.fact(c, "tls-suites") ~= nil then has = true end
            end
            if not has then
              units:add("a", "INCONCLUSIVE", "IXIT_MISSING:11-ComMech/"
                  .. (ents[1] and ents[1].id or "-") .. "/tls-suites (" .. where .. ": the "
                  .. "suites the login channel accepts cannot be compared with a declaration)",
                  lib.FACTS)
            end
          end
          units.how = { basis = "probe" }
        elseif ch == "ssh" then
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
              local function names(k) return table.concat(r[k] or {}, ",") end
              lib.review(units, "a", where .. ": compare what the SSH server offers (kex "
                  .. lib.clip(names("kex"), 200) .. "; host keys " .. lib.clip(names("hostkey"), 120)
                  .. "; ciphers " .. lib.clip(names("ciphers"), 200) .. "; MACs "
                  .. lib.clip(names("macs"), 200) .. ") with the declared Cryptographic Details "
                  .. lib.quote(lib.field(e, "Cryptographic Details") or "(none given)", 200)
                  .. " (no weak algorithm offered)")
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
              .. tostring(ch) .. " cannot be observed by Assay; capture the login and compare "
              .. "it with the declared Cryptographic Details", lib.PERSON)
        end
      end
      if pw and #wheres > 0 then check_storage(units, e, wheres) end
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
        .. " uses the cryptographic settings its IXIT declares")
  end,
}
