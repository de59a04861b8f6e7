-- Test group 5.9-3: the device connects to networks in an expected,
-- orderly and stable way, considering the infrastructure's capacity.
group "5.9-3"

local COMM = "11-ComMech"

-- 5.9-3-1 (TS 103 701, for each 11-ComMech channel: a) its "Resilience
-- Measures" suit an orderly connection given what the infrastructure can
-- bear; b) they suit a stable network, e.g. against many devices
-- reconnecting at once).
--
-- a: "Resilience Measures" empty or a placeholder on an outbound channel
--    -> FAIL; otherwise REVIEW_PENDING quoting it (following the relevant
--    standards for setting up and closing connections is a judgement).
--    A listening channel (the device opens nothing on it) without a text
--    goes to the assessor too.
-- b: outbound channels: reconnect=immediate -> FAIL; backoff-jitter ->
--    PASS by lib.fact_pass (a random delay is the measure TS 103 701's
--    NOTE 2 names); backoff or fixed -> REVIEW_PENDING (without
--    randomness, devices cut at the same time retry together); absent ->
--    IXIT_MISSING.  Listening channels: PASS, nothing to reconnect
--    (direction absent = inbound, a fact).
-- 11-ComMech empty -> FAIL (the device declares services).
testcase {
  id = "5.9-3-1",
  type = "conceptual",
  ixit = { "11-ComMech" },
  purpose = "Each channel's resilience measures suit an orderly connection and a stable network.",
  units = {
    a = {
      criterion = "For each communication mechanism, its resilience measures are suitable to join the network in an orderly way that the infrastructure can bear.",
      rule = "An outbound channel without Resilience Measures text FAILs; otherwise a person's call per channel.",
      decided = "assessor",
    },
    b = {
      criterion = "For each communication mechanism, its resilience measures are suitable to keep the network stable, for instance by avoiding simultaneous mass reconnection.",
      rule = "Outbound: reconnect=immediate FAILs, backoff-jitter PASSes unless the text contradicts, backoff or fixed is a person's call; listening channels PASS.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = lib.entries(COMM)
    if #list == 0 then
      return units:stop("FAIL", "11-ComMech declares no communication mechanism: the IXIT "
          .. "is incomplete")
    end
    for _, e in ipairs(list) do
      local rm = lib.field(e, "Resilience Measures")
      local empty = rm == nil or lib.is_placeholder(rm)
      if lib.is_outbound(e) then
        if empty then
          units:add("a", "FAIL", e.id .. ": outbound channel without \"Resilience Measures\"",
              lib.TEXT)
        else
          lib.review(units, "a", e.id .. ": judge whether " .. lib.quote(rm, 250)
              .. " connects in an orderly, standard way the infrastructure can bear")
        end
        local mode = lib.require_fact(units, "b", COMM, e, "reconnect")
        if mode == "immediate" then
          units:add("b", "FAIL", e.id .. ": reconnect=immediate: retrying at once lets "
              .. "devices cut together reconnect together")
        elseif mode == "backoff-jitter" then
          lib.fact_pass(units, "b", e, { "Resilience Measures" }, e.id .. ": "
              .. lib.facts_text(e, { "reconnect", "reconnect-max-s" })
              .. " (rule: randomised growing delay, as NOTE 2 suggests)")
        elseif mode ~= nil then
          lib.review(units, "b", e.id .. ": reconnect=" .. mode .. " without a random "
              .. "delay: judge whether " .. lib.quote(rm or "", 200) .. " avoids mass "
              .. "reconnection")
        end
      else
        if empty then
          lib.review(units, "a", e.id .. ": listening channel without \"Resilience "
              .. "Measures\": judge whether it needs any for an orderly connection")
        else
          lib.review(units, "a", e.id .. ": judge whether " .. lib.quote(rm, 250)
              .. " connects in an orderly, standard way the infrastructure can bear")
        end
        units:add("b", "PASS", e.id .. ": listening channel (no direction=outbound), the "
            .. "device opens no connection on it to repeat")
      end
    end
    return units:settle("")
  end,
}

-- 5.9-3-2 (TS 103 701: a) for each 11-ComMech channel, the resilience
-- measures work as described, above all against simultaneous mass
-- reconnection).
--
-- a, automated at the lab gateway (lib.reconnect_check): for each outbound
-- channel with an mqtt(s) or http(s) endpoint, Assay stands in for it,
-- waits for a session, cuts the endpoint for 6 client cycles, 6..12 s (each connection
-- reset, each attempt timed), then serves it again (lib.channel_outage:
-- the run's one outage of every outbound channel at once, shared with
-- 5.9-1-2 and 5.9-2-2).
--   more than 2 attempts a second while cut -> FAIL (a tight loop),
--     whatever is declared; backoff or backoff-jitter declared and the
--     waits not growing (later half of the waits not longer than the first
--     half, unless the first is already near reconnect-max-s) -> FAIL; a
--     wait beyond reconnect-max-s (+20 % +1 s) -> FAIL; not back within
--     reconnect-max-s (+3 s; 30 s undeclared) -> FAIL;
--   no attempt while cut, too few to see a back-off -> INCONCLUSIVE;
--   reconnect or reconnect-max-s absent -> IXIT_MISSING;
--   listening channels: nothing to reconnect (PASS, facts); outbound
--     channels Assay cannot stand in for (coap, tls, tcp) -> INCONCLUSIVE.
-- Looser than the text: the randomness of a declared jitter cannot be
-- seen on one device (it would take several devices cut together); the
-- TCP handshake's conformance to its standard is not examined.
-- Stricter: a tight loop FAILs even where "immediate" is declared.
testcase {
  id = "5.9-3-2",
  type = "functional",
  ixit = { "11-ComMech" },
  purpose = "Cutting each outbound channel at the lab gateway shows the declared reconnection: back-off, no tight loop, back in time.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "The resilience measures of each communication mechanism work as described, in particular those that prevent many devices reconnecting at once.",
      rule = "Endpoint cut 6 client cycles (6..12 s): over 2 attempts/s FAILs; declared back-off without growing waits, a wait over reconnect-max-s, or no reconnection in time FAILs.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("outage"))
    local list = lib.entries(COMM)
    if #list == 0 then
      return units:stop("FAIL", "11-ComMech declares no communication mechanism: the IXIT "
          .. "is incomplete", lib.FACTS)
    end
    local outbound = {}
    for _, e in ipairs(list) do
      if lib.is_outbound(e) then outbound[#outbound + 1] = e end
    end
    if #outbound == 0 then
      local why = "vacuous: every 11-ComMech channel is a listening one (no "
          .. "direction=outbound): the device reconnects nowhere"
      units:rest("PASS", why, lib.FACTS)
      return units:settle(why)
    end
    if not lib.gateway() then
      return units:stop("INCONCLUSIVE", lib.NO_GATEWAY .. ": the outages cannot be made",
          lib.FACTS)
    end
    for _, e in ipairs(outbound) do
      local ep = lib.endpoint(e)
      if ep == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(COMM, e, "endpoint"))
      elseif ep.scheme ~= "mqtt" and ep.scheme ~= "mqtts" and ep.scheme ~= "http"
          and ep.scheme ~= "https" then
        units:add("a", "INCONCLUSIVE", e.id .. ": no stand-in for " .. ep.scheme
            .. " endpoints: the outage cannot be made (a person must cut it)")
      else
        lib.reconnect_check(units, "a", e)
      end
    end
    return units:settle(#outbound .. " outbound channel(s) retried and reconnected as declared")
  end,
}
