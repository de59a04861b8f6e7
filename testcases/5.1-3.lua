-- Test group 5.1-3: authentication to the device uses best-practice
-- cryptography.
group "5.1-3"

-- Deprecated or broken primitives and protocols (SOG-IS / BSI TR-02102 /
-- NIST SP 800-131A agree on each of these).
local weak = { "md5", "sha-1", "sha1", "des ", "3des", "triple des", "rc4", "ssl 3", "sslv3",
    "tls 1.0", "tlsv1.0", "tls1.0", "tls 1.1", "tlsv1.1", "tls1.1", "plaintext", "plain text",
    "cleartext", "clear text", "base64", "unencrypted", "http basic auth without tls",
    "ecb", "rsa-1024", "rsa 1024", "1024-bit", "512-bit" }

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
        local g = lib.field(e, "Security Guarantees")
        lib.unit(units, "a", g and "PASS" or "INCONCLUSIVE", g and (e.id .. ": guarantees " .. g)
            or lib.missing("1-AuthMech", e, "Security Guarantees"))
        local d = lib.field(e, "Description")
        lib.unit(units, "b", d and "PASS" or "INCONCLUSIVE", d and (e.id .. ": design described")
            or lib.missing("1-AuthMech", e, "Description"))
        local c = lib.field(e, "Cryptographic Details")
        if c == nil then
          lib.unit(units, "c", "INCONCLUSIVE", lib.missing("1-AuthMech", e, "Cryptographic Details"))
        else
          local w = lib.mentions(c .. " ", weak)
          lib.unit(units, "c", w and "FAIL" or "PASS", w and
              (e.id .. ": declares deprecated cryptography (\"" .. w:gsub("%s+$", "") .. "\")") or
              (e.id .. ": " .. c))
          lib.unit(units, "d", w and "FAIL" or "PASS", w and
              (e.id .. ": known practical attacks exist against \"" .. w:gsub("%s+$", "") .. "\"") or
              (e.id .. ": no declared primitive has a known feasible attack"))
        end
      end
    end
    if n == 0 then
      return pass("vacuous: 1-AuthMech declares no user authentication mechanism")
    end
    return lib.settle(units, n .. " user authentication mechanism(s) use best-practice cryptography")
  end,
}

testcase {
  id = "5.1-3-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "The DUT's user authentication actually uses the declared cryptographic details.",
  run = function(a)
    return lib.no_probe("TLS handshake and HTTP probes on the authentication endpoints (5.1-3-2 a)")
  end,
}
