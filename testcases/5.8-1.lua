-- Test group 5.8-1: personal data travels confidentially between the
-- device and services.
group "5.8-1"

-- 5.8-1-1 a (TS 103 701): 5.5-1-1's units a-d, with confidentiality
-- required, for every 11-ComMech entry a 21-PersData entry refers to.
--
-- Selection as 5.8-1-2: the channels 21-PersData refers to and, stricter
-- than the text, those whose `carries` names personal-data or
-- sensitive-personal-data.  Rules (lib.review_confidential): security=none
-- (the fact, else a referred service) FAILs; guarantees without
-- confidentiality FAIL; tls-versions with SSLv3/TLS 1.0/1.1/DTLS 1.0 (RFC
-- 8996) or a NULL/EXPORT/RC4/DES/MD5/anonymous suite FAIL; an empty or
-- placeholder "Security Guarantees" or "Description" FAILs; absent
-- security or guarantees, or no "Cryptographic Details", IXIT_MISSING.
-- The PASS side is the assessor's (5.5-1-1's "appropriate" and "best
-- practice" are judgements): one REVIEW_PENDING per channel with the four
-- questions.  A 21-PersData entry whose "Communication Mechanisms" names
-- channels without a <ref> to 11-ComMech -> IXIT_MISSING (stricter than a
-- vacuous PASS: the text says the data is communicated).  No personal data
-- at all -> IXIT_MISSING; personal data declared, none communicated ->
-- PASS, vacuous (facts).
testcase {
  id = "5.8-1-1",
  type = "conceptual",
  ixit = { "11-ComMech", "21-PersData" },
  purpose = "Channels carrying personal data give confidentiality with best-practice cryptography and no known feasible attack.",
  units = {
    a = {
      criterion = "Each channel that carries personal data has suitable guarantees including confidentiality, a design that achieves them and best-practice cryptography with no known feasible attack.",
      rule = "security=none, no confidentiality, deprecated TLS versions or broken suites, or empty guarantees or description FAIL; best practice is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local pd = lib.entries("21-PersData")
    local all = function() return true end
    local selected, set = lib.channels_referenced("21-PersData", all)
    lib.channels_carrying(selected, set, { "personal-data", "sensitive-personal-data" })
    if #pd == 0 and #selected == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:21-PersData/-/-: no personal data "
          .. "declared")
    end
    for id, why in pairs(set) do
      if why:sub(1, 8) ~= "carries=" then set[id] = "personal data " .. why end
    end
    lib.persdata_unreferenced(units, "a", all)
    lib.review_confidential(units, "a", selected, set, "personal data")
    if #selected == 0 and not units:has("a") then
      units:add("a", "PASS", "vacuous: no 21-PersData entry refers to a communication "
          .. "mechanism and no channel carries personal data")
    end
    if #selected == 0 then return units:settle("vacuous: no channel carries personal data") end
    return units:settle(#selected .. " channel(s) carrying personal data judged")
  end,
}

-- 5.8-1-2 a: 5.5-1-2's checks (lib.check_channels) for the 11-ComMech
-- entries a 21-PersData entry refers to and, stricter than the text,
-- those whose `carries` names personal-data or sensitive-personal-data.
-- A <watch> of kind personal-data or sensitive-personal-data seen in
-- clear anywhere the gateway observes FAILs with its frames; a selected
-- outbound channel seen only encrypted PASSes; no traffic INCONCLUSIVE.
-- 21-PersData empty with no channel carrying personal data ->
-- IXIT_MISSING; personal data declared but no channel named -> PASS,
-- vacuous (facts: it is not communicated).
testcase {
  id = "5.8-1-2",
  type = "functional",
  ixit = { "11-ComMech", "21-PersData" },
  purpose = "Channels carrying personal data use the declared cryptography; no watched personal data is seen in clear.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Channels over which personal data is exchanged with services are seen to use the cryptography their IXIT entries describe.",
      rule = "5.5-1-2's rules on the channels 21-PersData names or that carry personal data; a watched personal-data value in clear FAILs with frames; no traffic INCONCLUSIVE.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tls_enumerate, tls_handshake, intercept, observe"))
    local pd = lib.entries("21-PersData")
    local selected, set = lib.channels_referenced("21-PersData", function() return true end)
    lib.channels_carrying(selected, set, { "personal-data", "sensitive-personal-data" })
    if #pd == 0 and #selected == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:21-PersData/-/-: no personal data "
          .. "declared", lib.FACTS)
    end
    local kinds = { ["personal-data"] = true, ["sensitive-personal-data"] = true }
    return lib.apply_comm(units, selected, kinds, "no 21-PersData entry names a "
        .. "communication mechanism and no channel carries personal data",
        #selected .. " channel(s) carrying personal data use the declared cryptography")
  end,
}
