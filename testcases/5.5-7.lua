-- Test group 5.5-7: critical security parameters travel confidentially
-- over remotely accessible interfaces.
group "5.5-7"

-- 5.5-7-1 a: 5.5-6-1's review (5.5-1-1's units a-d requiring
-- confidentiality, lib.review_csp_channel) on the remotely accessible
-- channels among those carrying critical security parameters
-- (lib.csp_channels: 10-SecParam type=critical references and, stricter,
-- carries credentials/security-parameters).  "Remotely accessible" is the
-- `remote` fact; an outbound channel without it counts as remote, a
-- listening one without it is IXIT_MISSING.  No such channel: PASS,
-- vacuous, from the facts.
testcase {
  id = "5.5-7-1",
  type = "conceptual",
  ixit = { "10-SecParam", "11-ComMech" },
  purpose = "Remotely accessible channels carrying critical security parameters have confidentiality and sound cryptography by design.",
  units = {
    a = {
      criterion = "The review of 5.5-1-1 holds, with confidentiality required, for every remotely accessible channel carrying a critical security parameter.",
      rule = "security=none or no confidentiality on such a channel, deprecated versions or broken suites FAIL; remote unknown IXIT_MISSING; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, set, local_only = lib.csp_channels(units, "a", true)
    local lo = #local_only > 0 and ("; local only: " .. lib.join(local_only)) or ""
    if #list == 0 then
      local v = "vacuous: no remotely accessible channel carries a critical security "
          .. "parameter (10-SecParam references, carries, remote" .. lo .. ")"
      if not units:has("a") then units:add("a", "PASS", v) end
      return units:settle(v)
    end
    local u = lib.onto(units, "a", "5.5-1-1")
    for _, e in ipairs(list) do lib.review_csp_channel(u, e, set[e.id]) end
    return units:settle(#list .. " remotely accessible channel(s) reviewed" .. lo)
  end,
}

-- 5.5-7-2 a: 5.5-1-2's checks (lib.check_channels) for the 11-ComMech
-- entries a critical security parameter (10-SecParam type=critical)
-- refers to, and, stricter than the text, those whose `carries` names
-- credentials or security-parameters (a credential is a critical security
-- parameter even when 10-SecParam forgets the reference).  "Remotely
-- accessible" is the `remote` fact; an outbound channel without it counts
-- as remote (the device reaches a service beyond its network), a listening
-- one without it is IXIT_MISSING.  Besides the selected channels, a set-up
-- credential, IXIT secret or <watch> of kind credential/security-parameter
-- seen in clear anywhere the gateway observes FAILs with its frames.
-- Nothing selected -> PASS, vacuous (facts), after that observation.
testcase {
  id = "5.5-7-2",
  type = "functional",
  ixit = { "10-SecParam", "11-ComMech" },
  purpose = "Remotely accessible channels carrying critical security parameters use the declared cryptography; none travel in clear.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Channels reachable remotely that carry critical security parameters are seen to use the cryptography their IXIT entries describe.",
      rule = "5.5-1-2's rules on the selected channels (interception and observation for outbound ones); a credential or security parameter in clear FAILs; no traffic INCONCLUSIVE.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tls_enumerate, tls_handshake, intercept, observe"))
    for _, p in ipairs(lib.entries("10-SecParam")) do
      if lib.fact(p, "type") == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("10-SecParam", p, "type"))
      end
    end
    local cand, set = lib.channels_referenced("10-SecParam", function(p)
      return lib.fact(p, "type") == "critical"
    end)
    lib.channels_carrying(cand, set, { "credentials", "security-parameters" })
    local selected, local_only = {}, {}
    for _, e in ipairs(cand) do
      local remote = lib.fact(e, "remote")
      if remote == true or (remote == nil and lib.is_outbound(e)) then
        selected[#selected + 1] = e
      elseif remote == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("11-ComMech", e, "remote")
            .. " (it carries critical security parameters: " .. set[e.id] .. ")")
      else
        local_only[#local_only + 1] = e.id
      end
    end
    local kinds = { credential = true, ["security-parameter"] = true }
    return lib.apply_comm(units, selected, kinds, "no critical security parameter travels "
        .. "over a remotely accessible channel (10-SecParam references, carries, remote"
        .. (#local_only > 0 and ("; local only: " .. lib.join(local_only)) or "") .. ")",
        #selected .. " remotely accessible channel(s) carrying critical security "
        .. "parameters use the declared cryptography")
  end,
}
