-- Test group 5.1-3: authentication to the device uses best-practice
-- cryptography.
group "5.1-3"

testcase {
  id = "5.1-3-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "User authentication has suitable guarantees, a design achieving them, best-practice cryptography and no known feasible attack.",
  run = function(a)
    local units, n = {}, 0
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      if lib.is_user_auth(e) then
        n = n + 1
        lib.review_crypto(units, "1-AuthMech", e)
      end
    end
    if n == 0 then
      return pass("vacuous: 1-AuthMech declares no user authentication mechanism")
    end
    return lib.settle(units, n .. " user authentication mechanism(s) use best-practice cryptography")
  end,
}

local weak_ssh = { "3des", "arcfour", "blowfish", "cast128", "hmac-md5", "hmac-sha1-96",
    "diffie-hellman-group1-sha1", "ssh-dss" }

testcase {
  id = "5.1-3-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "The DUT's user authentication actually uses the declared cryptographic details.",
  run = function(a)
    local findings, checked, open = {}, {}, {}
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      if lib.is_user_auth(e) then
        local declared = (lib.field(e, "Cryptographic Details") or ""):lower()
        for _, s in ipairs(lib.services(e)) do
          checked[#checked + 1] = e.id .. "@" .. s.id
          if s.security == "tls" then
            local hs, why = lib.probe("tls_handshake")
            if not hs then return inconclusive(why) end
            local h, err = hs(s.address, s.port, {})
            if not h then
              open[#open + 1] = s.id .. ": " .. err
            else
              a.log(string.format("%s: %s %s", s.id, tostring(h.protocol), tostring(h.cipher)))
              if declared:find("1%.3") and not declared:find("1%.2") and h.protocol ~= "TLSv1.3" then
                findings[#findings + 1] = s.id .. " negotiated " .. tostring(h.protocol)
                    .. ", declared TLS 1.3"
              end
              if h.protocol == "TLSv1" or h.protocol == "TLSv1.1" or h.protocol == "SSLv3" then
                findings[#findings + 1] = s.id .. " negotiated deprecated " .. h.protocol
              end
            end
          elseif s.protocol == "ssh" then
            local info = lib.probe("ssh_info")
            local r, err
            if info then r, err = info(s.address, s.port) end
            if not r then
              open[#open + 1] = s.id .. ": " .. tostring(err or "no SSH probe")
            else
              local offered = table.concat(r.ciphers or {}, " ") .. " " ..
                  table.concat(r.macs or {}, " ") .. " " .. table.concat(r.kex or {}, " ")
              local w = lib.mentions(offered, weak_ssh)
              if w then findings[#findings + 1] = s.id .. " offers weak SSH algorithm " .. w end
            end
          elseif s.security == "none" and (s.protocol == "telnet" or s.protocol == "http" or
              s.protocol == "mqtt") then
            findings[#findings + 1] = string.format("%s: credentials travel in clear text over %s",
                s.id, s.protocol)
          end
        end
      end
    end
    if #findings > 0 then
      a.unit("a", "FAIL", table.concat(findings, "; "))
      return fail(table.concat(findings, "; "))
    end
    if #open > 0 then
      a.unit("a", "INCONCLUSIVE", "DUT_UNREACHABLE: " .. table.concat(open, "; "))
      return inconclusive("could not observe " .. table.concat(open, "; "))
    end
    if #checked == 0 then
      a.unit("a", "PASS", "vacuous: no user authentication reachable over the network")
      return pass("vacuous: no network-reachable user authentication declared")
    end
    a.unit("a", "PASS", "observed: " .. lib.join(checked))
    return pass("user authentication on " .. lib.join(checked) .. " uses sound, declared cryptography")
  end,
}
