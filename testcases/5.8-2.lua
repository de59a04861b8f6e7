-- Test group 5.8-2: sensitive personal data travels confidentially
-- between the device and associated services.
group "5.8-2"

-- 5.8-2-1 a (TS 103 701): 5.5-1-1's units a-d, with confidentiality
-- required, for every 11-ComMech entry a sensitive 21-PersData entry
-- refers to where the partner is an associated service.
--
-- Selection as 5.8-2-2: the channels 21-PersData entries with
-- sensitive=true refer to and, stricter than the text, those whose
-- `carries` names sensitive-personal-data; every such channel is taken,
-- not only those to an associated service (stricter: the IXIT has no fact
-- for the partner).  An entry without the sensitive fact -> IXIT_MISSING.
-- Rules as 5.8-1-1 (lib.review_confidential): no protection, no
-- confidentiality, deprecated TLS versions, broken suites, empty
-- guarantees or description FAIL; the PASS side is the assessor's.  No
-- personal data declared -> IXIT_MISSING; no sensitive personal data
-- communicated -> PASS, vacuous (facts).
testcase {
  id = "5.8-2-1",
  type = "conceptual",
  ixit = { "11-ComMech", "21-PersData" },
  purpose = "Channels carrying sensitive personal data give confidentiality with best-practice cryptography and no known feasible attack.",
  units = {
    a = {
      criterion = "Each channel carrying sensitive personal data to associated services has suitable guarantees including confidentiality, a design achieving them and sound best-practice cryptography.",
      rule = "security=none, no confidentiality, deprecated TLS versions or broken suites, or empty guarantees or description FAIL; best practice is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local pd = lib.entries("21-PersData")
    for _, p in ipairs(pd) do
      if lib.fact(p, "sensitive") == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("21-PersData", p, "sensitive"))
      end
    end
    local sensitive = function(p) return lib.fact(p, "sensitive") == true end
    local selected, set = lib.channels_referenced("21-PersData", sensitive)
    lib.channels_carrying(selected, set, { "sensitive-personal-data" })
    if #pd == 0 and #selected == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:21-PersData/-/-: no personal data "
          .. "declared")
    end
    for id, why in pairs(set) do
      if why:sub(1, 8) ~= "carries=" then set[id] = "sensitive personal data " .. why end
    end
    lib.persdata_unreferenced(units, "a", sensitive)
    lib.review_confidential(units, "a", selected, set, "sensitive personal data")
    if #selected == 0 and not units:has("a") then
      units:add("a", "PASS", "vacuous: no sensitive personal data is declared as "
          .. "communicated (21-PersData sensitive, carries)")
    end
    if #selected == 0 then return units:settle("vacuous: no channel carries sensitive personal data") end
    return units:settle(#selected .. " channel(s) carrying sensitive personal data judged")
  end,
}

-- 5.8-2-2 a: 5.5-1-2's checks (lib.check_channels) for the 11-ComMech
-- entries a 21-PersData entry with sensitive=true refers to and, stricter
-- than the text, those whose `carries` names sensitive-personal-data.
-- Every such channel is taken, not only those to an associated service
-- (stricter: the IXIT has no fact for the partner).  A <watch> of kind
-- sensitive-personal-data in clear FAILs with frames.  An entry without
-- the sensitive fact -> IXIT_MISSING; no sensitive personal data
-- declared -> PASS, vacuous (facts).
testcase {
  id = "5.8-2-2",
  type = "functional",
  ixit = { "11-ComMech", "21-PersData" },
  purpose = "Channels carrying sensitive personal data use the declared cryptography; none is seen in clear.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Channels over which sensitive personal data goes to associated services are seen to use the cryptography their IXIT entries describe.",
      rule = "5.5-1-2's rules on the channels sensitive 21-PersData entries name or that carry it; a watched sensitive value in clear FAILs with frames; no traffic INCONCLUSIVE.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tls_enumerate, tls_handshake, intercept, observe"))
    local pd = lib.entries("21-PersData")
    for _, p in ipairs(pd) do
      if lib.fact(p, "sensitive") == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("21-PersData", p, "sensitive"))
      end
    end
    local selected, set = lib.channels_referenced("21-PersData", function(p)
      return lib.fact(p, "sensitive") == true
    end)
    lib.channels_carrying(selected, set, { "sensitive-personal-data" })
    if #pd == 0 and #selected == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:21-PersData/-/-: no personal data "
          .. "declared", lib.FACTS)
    end
    return lib.apply_comm(units, selected, { ["sensitive-personal-data"] = true },
        "no sensitive personal data is declared as communicated (21-PersData sensitive, "
        .. "carries)", #selected .. " channel(s) carrying sensitive personal data use the "
        .. "declared cryptography")
  end,
}
