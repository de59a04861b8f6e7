-- Test group 5.5-6: critical security parameters are encrypted in transit.
group "5.5-6"

-- The channels (lib.csp_channels): the 11-ComMech entries a 10-SecParam
-- type=critical refers to and, stricter than the text, those whose
-- `carries` names credentials or security-parameters (a credential is a
-- critical security parameter even when 10-SecParam forgets the
-- reference).  A security parameter without `type` is IXIT_MISSING.

-- 5.5-6-1 a: 5.5-1-1's units a-d (lib.review_csp_channel) on each such
-- channel, requiring confidentiality: security=none or guarantees without
-- confidentiality FAIL (a, c), deprecated tls-versions or broken
-- tls-suites FAIL (c, d), placeholder Security Guarantees / Description
-- FAIL; the PASS side is REVIEW_PENDING quoting the text.  Each outcome is
-- recorded on a naming the 5.5-1-1 unit.  No such channel: PASS, vacuous,
-- from the facts (no critical parameter is communicated).
testcase {
  id = "5.5-6-1",
  type = "conceptual",
  ixit = { "10-SecParam", "11-ComMech" },
  purpose = "Channels carrying critical security parameters have confidentiality and best-practice cryptography by design.",
  units = {
    a = {
      criterion = "The review of 5.5-1-1 holds for every channel that carries a critical security parameter, with confidentiality among the guarantees required.",
      rule = "security=none or no confidentiality on such a channel, deprecated versions or broken suites FAIL; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, set = lib.csp_channels(units, "a", false)
    if #list == 0 then
      local v = "vacuous: no 11-ComMech channel carries a critical security parameter "
          .. "(10-SecParam references, carries)"
      if not units:has("a") then units:add("a", "PASS", v) end
      return units:settle(v)
    end
    local u = lib.onto(units, "a", "5.5-1-1")
    for _, e in ipairs(list) do lib.review_csp_channel(u, e, set[e.id]) end
    return units:settle(#list .. " channel(s) carrying critical security parameters reviewed")
  end,
}

-- 5.5-6-2 a: 5.5-1-2's checks (lib.check_channels) on the same channels,
-- remote or not: TLS versions and suites as declared, sound certificates,
-- SSH/DTLS as declared, no clear channel carrying them; outbound ones
-- intercepted and observed from the lab gateway (docs/clientside.md),
-- where a credential or security parameter seen in clear FAILs with its
-- frames.  No such channel: PASS, vacuous, after that observation.
testcase {
  id = "5.5-6-2",
  type = "functional",
  ixit = { "10-SecParam", "11-ComMech" },
  exclusive = "gateway",
  purpose = "Channels carrying critical security parameters are seen to use the declared cryptography; none travel in clear.",
  units = {
    a = {
      criterion = "Every channel that carries a critical security parameter is seen to use the cryptography its IXIT entry describes.",
      rule = "5.5-1-2's rules on the selected channels (interception and observation for outbound ones); a credential or security parameter in clear FAILs; no traffic INCONCLUSIVE.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tls_enumerate, tls_handshake, intercept, observe"))
    local list = lib.csp_channels(units, "a", false)
    local kinds = { credential = true, ["security-parameter"] = true }
    return lib.apply_comm(units, list, kinds, "no channel carries a critical security "
        .. "parameter (10-SecParam references, carries)",
        #list .. " channel(s) carrying critical security parameters use the declared "
        .. "cryptography")
  end,
}
