-- Test group 5.5-1: communication uses best-practice cryptography.
group "5.5-1"

local ITEM = "11-ComMech"

-- Channel security: lib.channel_security (the `security` fact, else the
-- services' attribute; "none" wins).
local security_of = lib.channel_security

-- Declared services that no 11-ComMech entry refers to (sorted ids).
local function uncovered_services()
  local covered, out = {}, {}
  for _, e in ipairs(lib.entries(ITEM)) do
    for _, s in ipairs(lib.services(e)) do covered[s.id] = true end
  end
  for _, s in ipairs(assay.ixit.services) do
    if not covered[s.id] then out[#out + 1] = s.id end
  end
  table.sort(out)
  return out
end

-- Units (TS 103 701), for each communication mechanism: a) the "Security
-- Guarantees" suit the use case, b) the "Description" achieves them, c)
-- the "Cryptographic Details" are best practice, d) no feasible attack is
-- known.
--
-- Facts that FAIL: security=none on a channel that carries credentials,
-- personal data, sensitive personal data or security parameters (a, c);
-- guarantees lacking confidentiality on such a channel (a); tls-versions
-- with SSLv3, TLS 1.0/1.1 or DTLS 1.0 (c, d: RFC 8996); tls-suites with a
-- NULL/EXPORT/RC4/DES/MD5/anonymous suite (c, d).  Placeholder "Security
-- Guarantees" / "Description" FAIL a / b.  The PASS sides are
-- REVIEW_PENDING quoting the text ("appropriate", "best practice" are
-- judgements); the former keyword PASS is gone.
-- Completeness (stricter than the text, which only walks 11-ComMech):
-- 11-ComMech empty while services are declared -> FAIL; a declared
-- service no entry covers -> IXIT_MISSING; an entry without `carries` or
-- `security` -> IXIT_MISSING.
testcase {
  id = "5.5-1-1",
  type = "conceptual",
  ixit = { "11-ComMech" },
  purpose = "Communication mechanisms have suitable guarantees, an adequate design, best-practice cryptography and no known feasible attack.",
  units = {
    a = {
      criterion = "For each communication mechanism, the stated security guarantees suit the use case of that communication.",
      rule = "Empty or placeholder Security Guarantees, or security=none carrying sensitive data, FAIL; suitability is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "For each communication mechanism, the described design is fit to deliver the stated security guarantees.",
      rule = "An empty or placeholder Description FAILs; whether the design delivers is a person's call.",
      decided = "assessor",
    },
    c = {
      criterion = "For each communication mechanism, the cryptography used is best practice for secure communication by a reference catalogue, or justified by the manufacturer.",
      rule = "Deprecated tls-versions or broken tls-suites FAIL; best practice is a person's call.",
      decided = "assessor",
    },
    d = {
      criterion = "For each communication mechanism, no feasible attack on its cryptography is known for the guarantees it is meant to give.",
      rule = "Deprecated tls-versions or broken tls-suites FAIL; known attacks are a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      if #assay.ixit.services > 0 then
        return units:stop("FAIL", "11-ComMech declares no communication mechanism although "
            .. #assay.ixit.services .. " service(s) are declared: the IXIT is incomplete")
      end
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:11-ComMech/-/-: no communication "
          .. "mechanism declared")
    end
    for _, id in ipairs(uncovered_services()) do
      units:add("a", "INCONCLUSIVE", "IXIT_MISSING:11-ComMech/-/entry for service " .. id)
    end
    for _, e in ipairs(entries) do
      local fails = {}
      local sec, why = security_of(e)
      local carried = lib.fact(e, "carries")
      local sens = lib.sensitive_carried(e)
      if sec == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "security"))
      end
      if carried == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "carries"))
      end
      if sec == "none" and #sens > 0 then
        local r = e.id .. ": " .. why .. " but carries=" .. table.concat(sens, "+")
            .. ": sent in clear"
        fails[#fails + 1] = { "a", r }
        fails[#fails + 1] = { "c", r }
      end
      local g = lib.fact_list(e, "guarantees")
      if g and #sens > 0 and not lib.fact_has(e, "guarantees", "confidentiality") then
        fails[#fails + 1] = { "a", e.id .. ": guarantees=" .. lib.show(g) .. " without "
            .. "confidentiality on a channel carrying " .. table.concat(sens, "+") }
      end
      local badv = {}
      for _, v in ipairs(lib.fact_list(e, "tls-versions") or {}) do
        if lib.bad_tls_versions[v] then badv[#badv + 1] = v end
      end
      if #badv > 0 then
        local r = e.id .. ": tls-versions includes deprecated " .. lib.join(badv) .. " (RFC 8996)"
        fails[#fails + 1] = { "c", r }
        fails[#fails + 1] = { "d", r }
      end
      local bads = {}
      for _, s in ipairs(lib.fact_list(e, "tls-suites") or {}) do
        if lib.weak_cipher(s) then bads[#bads + 1] = s end
      end
      if #bads > 0 then
        local r = e.id .. ": tls-suites includes broken suite(s) " .. lib.join(bads)
        fails[#fails + 1] = { "c", r }
        fails[#fails + 1] = { "d", r }
      end
      if sec == "none" and carried ~= nil and #sens == 0 then
        -- A clear channel with nothing sensitive: the assessor decides
        -- whether that is appropriate; no crypto to review.
        for _, f in ipairs(fails) do units:add(f[1], "FAIL", f[2]) end
        lib.review(units, "a", e.id .. ": " .. why .. ", carries=" .. lib.show(carried)
            .. ": judge whether an unprotected channel is appropriate for this data")
        lib.review(units, "b", e.id .. ": " .. why .. ": judge whether a channel without "
            .. "protection achieves the guarantees stated for it: "
            .. lib.quote(lib.field(e, "Security Guarantees") or "(none stated)"))
        for _, l in ipairs({ "c", "d" }) do
          units:add(l, "PASS", e.id .. ": vacuous: no cryptography on this channel (" .. why
              .. ", carries=" .. lib.show(carried) .. "; whether none is appropriate is unit a)")
        end
      else
        lib.review_crypto(units, ITEM, e, fails)
      end
    end
    return units:settle(#entries .. " communication mechanism(s) reviewed")
  end,
}

-- Unit a (TS 103 701): the DUT uses the declared cryptographic details.
-- Every declared channel is judged, not only TLS ones:
--   - a service with security none that its 11-ComMech entries say
--     carries credentials, personal data or security parameters -> FAIL;
--     login services the sweep finds on undeclared ports (clear text) ->
--     FAIL;
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
--   - security ssh: weak algorithms offered -> FAIL.
-- Outbound channels (direction=outbound, the device as a client), seen
-- from the lab's gateway (docs/clientside.md): each TLS channel is
-- intercepted with a self-signed, a wrong-host, an expired and an
-- untrusted-CA certificate, a TLS-1.0-only server and the lab's own
-- identity (lib.judge_interception): a bad certificate accepted (handshake
-- and application data) or TLS 1.0 completed -> FAIL; the device not
-- connecting, or no session with the lab identity to see the protocol and
-- suite in use -> INCONCLUSIVE.  Then one observation of every outbound
-- channel (lib.check_outbound): traffic other than declared, a clear
-- channel carrying sensitive data, or a watched secret in clear -> FAIL
-- with frames; no traffic -> INCONCLUSIVE; a name asked or a gateway port
-- connected to that no endpoint declares -> INCONCLUSIVE (an undeclared
-- outbound channel).  No gateway declared -> INCONCLUSIVE for each
-- outbound channel.
-- Stricter than EXAMPLE 2 of the text (suite comparison) because every
-- channel, clear ones included, is held against its declaration.
testcase {
  id = "5.5-1-2",
  type = "functional",
  ixit = { "11-ComMech" },
  exclusive = "gateway",
  purpose = "The DUT's secure channels use the declared protocols, cipher suites and certificates.",
  units = {
    a = {
      criterion = "Each communication mechanism on the device actually uses the cryptography its IXIT entry describes: protocols, cipher suites, certificates.",
      rule = "Every declared channel as declared: TLS versions equal tls-versions, suites within tls-suites, sound certificates, SSH and DTLS as declared, no plaintext channel carrying sensitive data.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tls_handshake, tls_enumerate, ssh_info, dtls_probe, "
        .. "mqtt_connect, tcp_sweep, intercept, observe"))
    local enum = lib.probe("tls_enumerate")
    local hs = lib.probe("tls_handshake")
    local ssh = lib.probe("ssh_info")
    local dtls = lib.probe("dtls_probe")
    local checked = {}
    for _, s in ipairs(assay.ixit.services) do
      if lib.check_service(units, "a", s) then checked[#checked + 1] = s.id end
    end
    local outbound = lib.outbound_entries()
    local all = { credential = true, ["security-parameter"] = true, ["personal-data"] = true,
        ["sensitive-personal-data"] = true }
    local ok, observed = lib.check_outbound(units, "a", outbound, all)
    for _, id in ipairs(ok) do checked[#checked + 1] = id end
    -- The device reaching for what the IXIT does not declare: like an
    -- undeclared open port, its protection cannot be judged (INCONCLUSIVE).
    if observed then
      local extra = lib.undeclared_outbound(observed)
      if #extra > 0 then
        units:add("a", "INCONCLUSIVE", table.concat(extra, "; ") .. ": an undeclared "
            .. "outbound channel (declare it in 11-ComMech)", lib.probed("observe"))
      end
    end
    -- Undeclared open ports: a login in clear or an MQTT broker in clear is
    -- a FAIL; any other undeclared port carries something the IXIT does
    -- not describe, so its protection cannot be judged against a
    -- declaration: INCONCLUSIVE naming it (5.6-1-2 FAILs it as undeclared).
    local sweep, serr = lib.sweep()
    if not sweep then
      -- Undeclared channels unseen: never a PASS on the declared ones alone.
      units:add("a", "INCONCLUSIVE", "the full TCP sweep for undeclared channels did not "
          .. "run: " .. tostring(serr))
    else
      local logins, seen = lib.undeclared_logins(sweep), {}
      for _, l in ipairs(logins) do
        seen[l.port] = true
        units:add("a", "FAIL", "tcp/" .. l.port .. " (undeclared): " .. l.detail
            .. ": a plaintext channel carrying credentials")
      end
      local mqtt = lib.probe("mqtt_connect")
      local other = {}
      for i, port in ipairs(lib.undeclared_tcp(sweep)) do
        if i > 64 then
          other[#other + 1] = "and more"
          break
        end
        if not seen[port] then
          local r = mqtt and mqtt({ host = lib.host(), port = port, timeout_ms = 1500 })
          if r then
            units:add("a", "FAIL", string.format("tcp/%d (undeclared) speaks MQTT without TLS "
                .. "(CONNACK: %s): a plaintext channel", port, tostring(r.reason)))
          else
            other[#other + 1] = "tcp/" .. port
          end
        end
      end
      if #other > 0 then
        units:add("a", "INCONCLUSIVE", "undeclared open port(s) " .. lib.join(other)
            .. ": the IXIT declares no communication mechanism there, so how it is "
            .. "protected cannot be judged (declare it in 11-ComMech or close it)")
      end
    end
    if not units:has("a") then
      units:add("a", "INCONCLUSIVE", "IXIT_MISSING:services: no channel declared")
    end
    return units:settle("every declared channel (" .. lib.join(checked)
        .. " secured) uses the declared protocol versions, suites and certificates")
  end,
}
