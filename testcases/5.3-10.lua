-- Test group 5.3-10: updates over a network interface are verified for
-- authenticity and integrity through a trust relationship.
group "5.3-10"

-- The 11-ComMech entries the 7-UpdMech entries name (<ref item=...>).
local function update_channels()
  local set = {}
  for _, m in ipairs(lib.entries("7-UpdMech")) do
    for _, ref in ipairs(m.refs or {}) do
      if ref.item == "11-ComMech" then set[ref.entry] = m.id end
    end
  end
  return set
end

-- 5.3-10-1 (TS 103 701): a) 5.3-9-1's units a and b; b) for each network
-- mechanism, the verification rests on a valid trust relationship
-- (authenticated channel, a network that needs a credential to join, a
-- signature, the user's confirmation or the like); c) no update mechanism
-- the IXIT omits is reachable over a network interface.
--
-- a: lib.update_check_units on one letter (5.3-9-1's rules).
-- b: per mechanism with network=true: authenticity=signature -> PASS from
-- facts (a signature check is one of the listed trust relationships;
-- lib.fact_pass over "Description" and "Security Guarantees");
-- authenticity=mac -> REVIEW_PENDING (whether the key is a trust
-- relationship or shared by every device); authenticity=none -> FAIL;
-- absent network or authenticity -> IXIT_MISSING.  No network mechanism
-- -> FAIL (condition 11: updates arrive over a network interface).
-- c: observed at the lab gateway (assay.net.observe, standing in for the
-- declared outbound endpoints): traffic on an 11-ComMech channel that
-- carries updates but that no 7-UpdMech entry names -> FAIL; a DNS name
-- or gateway port no outbound channel declares -> REVIEW_PENDING (is it
-- an update mechanism?); no connection at all -> INCONCLUSIVE; otherwise
-- PASS.  No gateway -> REVIEW_PENDING naming the scan a person makes.
-- Looser than the text on c: Assay watches what the device asks for
-- while observed (an update client that runs rarely may not show), and
-- listening update paths on the device are the undeclared ports of
-- 5.6-1-2's sweep, not searched again here.
testcase {
  id = "5.3-10-1",
  type = "conceptual+functional",
  ixit = { "7-UpdMech" },
  purpose = "Network updates are verified through a trust relationship, and the device uses no network update mechanism the IXIT omits.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "As 5.3-9-1 a and b: each mechanism suitably verifies the authenticity and the integrity of an update before installing it.",
      rule = "authenticity=none, integrity=none or a hash without authenticity FAILs; absent IXIT_MISSING; suitability is a person's call.",
      decided = "assessor",
      reach = "declaration",
    },
    b = {
      criterion = "For each network update mechanism, the verification of authenticity and integrity rests on a valid trust relationship.",
      rule = "authenticity=signature PASSes; mac a person's call; none FAILs; no network mechanism although condition 11 holds FAILs.",
      decided = "facts+assessor",
      reach = "declaration",
    },
    c = {
      criterion = "No update mechanism that the IXIT does not document can be reached over a network interface of the device.",
      rule = "Observed at the gateway: an update channel no 7-UpdMech names FAILs; an undeclared name or port a person's call; PASS iff traffic seen, none undeclared.",
      decided = "automatic+assessor",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      units:rest("FAIL", "7-UpdMech is empty although condition 12 (an update mechanism is "
          .. "implemented) holds")
      return units:settle("")
    end
    lib.update_check_units(units, "a", "a", mechs)

    local nets = 0
    for _, m in ipairs(mechs) do
      local net, au = lib.fact(m, "network"), lib.fact(m, "authenticity")
      if net == nil then
        units:add("b", "INCONCLUSIVE", lib.missing("7-UpdMech", m, "network"))
      elseif net == true then
        nets = nets + 1
        if au == nil then
          units:add("b", "INCONCLUSIVE", lib.missing("7-UpdMech", m, "authenticity"))
        elseif au == "none" then
          units:add("b", "FAIL", m.id .. ": network=true, authenticity=none: no trust "
              .. "relationship the device's verification could rest on")
        elseif au == "signature" then
          lib.fact_pass(units, "b", m, { "Description", "Security Guarantees" }, m.id
              .. ": network=true, authenticity=signature (rule: a signature check is a trust "
              .. "relationship)")
        else
          lib.review(units, "b", m.id .. ": authenticity=" .. lib.show(au) .. ": judge whether "
              .. "the key rests on a trust relationship (not one shared by every device): "
              .. lib.quote_fields(m, { "Description", "Security Guarantees",
              "Cryptographic Details" }, 160))
        end
      end
    end
    if nets == 0 and not units:has("b") then
      units:add("b", "FAIL", "no mechanism has network=true although condition 11 (updates "
          .. "over a network interface) holds")
    end

    if not lib.gateway() then
      lib.review(units, "c", "scan the device's network interfaces and watch its traffic for "
          .. "update mechanisms (update checks, downloads, upload pages) that 7-UpdMech does "
          .. "not declare: " .. lib.NO_GATEWAY)
      return units:settle("")
    end
    local observe, owhy = lib.probe("observe")
    local how = lib.probed("observe", "a capture at the gateway with stand-ins for "
        .. #lib.outbound_entries() .. " outbound channel(s)")
    if not observe then
      units:add("c", "INCONCLUSIVE", owhy, how)
      return units:settle("")
    end
    local c, why = lib.shared_observation(observe)
    if not c then
      units:add("c", "INCONCLUSIVE", "observation failed: " .. lib.clip(why, 200), how)
      return units:settle("")
    end
    local named, used = update_channels(), {}
    for _, e in ipairs(lib.outbound_entries()) do
      local state = lib.channel_traffic(c, e)
      if state ~= "none" then
        used[#used + 1] = e.id
        if lib.fact_has(e, "carries", "updates") and not named[e.id] then
          units:add("c", "FAIL", "the device used " .. lib.channel_name(e) .. ", which carries "
              .. "updates, but no 7-UpdMech entry names it", how)
        end
      end
    end
    local extra = lib.undeclared_outbound(c)
    local gw, dev, away, aseen = lib.gateway(), lib.host(), {}, {}
    for _, f in ipairs(c.flows or {}) do
      local to = tostring(f.server) .. ":" .. tostring(f.server_port)
      if f.client == dev and f.server ~= gw.address and not aseen[to] then
        aseen[to] = true
        away[#away + 1] = to
      end
    end
    table.sort(away)
    if #away > 0 then
      extra[#extra + 1] = "the device connected to " .. lib.join(away) .. ", past the gateway's "
          .. "stand-ins"
    end
    if #extra > 0 then
      lib.review(units, "c", "judge whether these are update mechanisms 7-UpdMech does not "
          .. "declare: " .. table.concat(extra, "; "))
    end
    if #(c.flows or {}) == 0 and #(c.dns_asked or {}) == 0 then
      units:add("c", "INCONCLUSIVE", "the device made no connection while observed: nothing "
          .. "shows which update endpoints it uses", how)
    end
    if not units:has("c") then
      -- How many connections a window catches varies: the count is logged.
      assay.log("observed " .. #(c.flows or {}) .. " connection(s) at the gateway")
      units:add("c", "PASS", "observed the device's connections at the gateway (counted in "
          .. "the transcript): traffic on " .. (#used > 0 and lib.join(used)
          or "no declared channel") .. ", no name, gateway port or address that no outbound "
          .. "channel declares, no update channel outside 7-UpdMech", how)
    end
    return units:settle("network updates verified through a trust relationship; no undeclared "
        .. "update mechanism seen")
  end,
}
