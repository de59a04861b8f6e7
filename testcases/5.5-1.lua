-- Test group 5.5-1: communication uses best-practice cryptography.
group "5.5-1"

testcase {
  id = "5.5-1-1",
  type = "conceptual",
  ixit = { "11-ComMech" },
  purpose = "Communication mechanisms have suitable guarantees, an adequate design, best-practice cryptography and no known feasible attack.",
  run = function(a)
    local units, n = {}, 0
    for _, e in ipairs(lib.entries("11-ComMech")) do
      n = n + 1
      lib.review_crypto(units, "11-ComMech", e)
    end
    if n == 0 then
      return inconclusive("IXIT_MISSING:11-ComMech: no communication mechanism declared")
    end
    return lib.settle(units, n .. " communication mechanism(s) reviewed: best-practice cryptography")
  end,
}

-- Protocol versions, cipher-suite names and certificate keys Assay rejects.
local bad_versions = { SSLv3 = true, ["TLSv1"] = true, ["TLSv1.0"] = true, ["TLSv1.1"] = true }
local bad_cipher_words = { "NULL", "EXP", "RC4", "DES", "MD5", "anon", "ADH", "AECDH", "IDEA", "SEED" }

local function weak_cipher(name)
  for _, w in ipairs(bad_cipher_words) do
    if name:find(w, 1, true) then return w end
  end
  return nil
end

-- Whether the declared details admit a version ("TLS 1.2" admits TLSv1.2).
local function declared_versions(text)
  local t, out = (text or ""):lower(), {}
  if t:find("1%.3") then out["TLSv1.3"] = true end
  if t:find("1%.2") then out["TLSv1.2"] = true end
  if t:find("1%.2%s*%+") or t:find("1%.2 or later") or t:find("1%.2 and later") or
      t:find("1%.2 or higher") or t:find(">=%s*1%.2") then
    out["TLSv1.3"] = true
  end
  return out
end

local function comm_entries_for(service_id)
  local out = {}
  for _, e in ipairs(lib.entries("11-ComMech")) do
    for _, s in ipairs(lib.services(e)) do
      if s.id == service_id then out[#out + 1] = e end
    end
  end
  return out
end

testcase {
  id = "5.5-1-2",
  type = "functional",
  ixit = { "11-ComMech" },
  purpose = "The DUT's secure channels use the declared protocols, cipher suites and certificates.",
  run = function(a)
    local enum, why = lib.probe("tls_enumerate")
    if not enum then return inconclusive(why) end
    local hs = lib.probe("tls_handshake")
    local findings, checked, open = {}, {}, {}
    for _, s in ipairs(assay.ixit.services) do
      if s.security == "tls" and s.transport == "tcp" then
        local r, err = enum(s.address, s.port)
        if not r then
          open[#open + 1] = s.id .. " (" .. s.port .. "): " .. err
        else
          checked[#checked + 1] = s.id
          local declared = {}
          for _, e in ipairs(comm_entries_for(s.id)) do
            for v in pairs(declared_versions(lib.field(e, "Cryptographic Details"))) do
              declared[v] = true
            end
          end
          local any_declared = next(declared) ~= nil
          for v, accepted in pairs(r.versions or {}) do
            if not accepted then
              -- refused: nothing to judge
            elseif bad_versions[v] then
              findings[#findings + 1] = s.id .. " accepts " .. v
            elseif any_declared and not declared[v] then
              findings[#findings + 1] = s.id .. " accepts " .. v .. ", not declared in 11-ComMech"
            end
          end
          for v, list in pairs(r.ciphers or {}) do
            for _, c in ipairs(list) do
              local w = weak_cipher(c)
              if w then findings[#findings + 1] = s.id .. " accepts " .. c .. " (" .. v .. ")" end
            end
          end
          if hs then
            local h = hs(s.address, s.port, {})
            if h and h.chain and h.chain[1] then
              local c = h.chain[1]
              if (c.key_type == "RSA" and (c.key_bits or 0) < 2048) or
                  (c.key_type == "EC" and (c.key_bits or 0) < 256) then
                findings[#findings + 1] = string.format("%s certificate key %s-%d is too short",
                    s.id, c.key_type, c.key_bits or 0)
              end
            end
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
      return inconclusive("could not probe " .. table.concat(open, "; "))
    end
    if #checked == 0 then
      a.unit("a", "PASS", "vacuous: the IXIT declares no TLS service")
      return pass("vacuous: no TLS-secured service declared")
    end
    a.unit("a", "PASS", "TLS on " .. lib.join(checked) .. ": declared versions only, no weak suites")
    return pass("every declared TLS channel (" .. lib.join(checked)
        .. ") uses the declared protocol versions and sound cipher suites")
  end,
}
