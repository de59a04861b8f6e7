-- Test group 5.6-1: unused network and logical interfaces are disabled.
group "5.6-1"

local ITEM = "15-Intf"

-- Units (TS 103 701): a) each network or logical interface declared
-- enabled ("Status") has a purpose ("Description") that justifies it.
--
-- Rules on facts: status absent -> IXIT_MISSING; kind=physical -> not a
-- network or logical interface (5.6-3 covers it); status enabled with
-- exposure=not-required -> FAIL (enabled though the manufacturer says it
-- is not needed); an empty or placeholder "Description" -> FAIL (no
-- purpose given).  Whether a purpose *justifies* the interface is a
-- person's judgement: REVIEW_PENDING, quoting it (debug=true is flagged
-- in the question).  15-Intf empty -> FAIL: every device has at least the
-- interface it is assessed through.  Stricter than the text on the empty
-- item; the same otherwise (the judgement stays with the assessor).
testcase {
  id = "5.6-1-1",
  type = "conceptual",
  ixit = { "15-Intf" },
  purpose = "Every enabled network and logical interface has a valid justification for being enabled.",
  units = {
    a = {
      criterion = "Every interface declared enabled has a purpose in its description that justifies keeping it enabled.",
      rule = "Enabled with exposure=not-required, or without a stated purpose, FAILs; whether a purpose justifies it is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      units:add("a", "FAIL", "15-Intf declares no interface: the IXIT is incomplete (the "
          .. "device is reachable over at least one network interface)")
      return units:settle("")
    end
    local n = 0
    for _, e in ipairs(entries) do
      local status = lib.fact(e, "status")
      local kind = lib.fact(e, "kind")
      if status == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "status"))
      elseif status == "enabled" and kind ~= "physical" then
        n = n + 1
        local desc = lib.field(e, "Description")
        local facts = e.id .. ": " .. lib.facts_text(e, { "kind", "status", "exposure", "debug" })
        if lib.fact(e, "exposure") == "not-required" then
          units:add("a", "FAIL", facts .. ": enabled although declared not required")
        elseif desc == nil or lib.is_placeholder(desc) then
          units:add("a", "FAIL", facts .. ": enabled with no purpose given (\"Description\" "
              .. (desc and lib.quote(desc, 40) or "empty") .. ")", desc and lib.TEXT or lib.FACTS)
        else
          lib.review(units, "a", facts .. ": judge whether the purpose " .. lib.quote(desc, 200)
              .. " justifies keeping it enabled"
              .. (lib.fact(e, "debug") == true and " (a debug interface)" or ""))
        end
      end
    end
    if n == 0 and not units:has("a") then
      units:add("a", "PASS", "vacuous: no network or logical interface is declared enabled")
    end
    return units:settle(n .. " enabled interface(s), each justified")
  end,
}

-- Units (TS 103 701): a) each interface of 15-Intf is in its declared
-- "Status"; b) the device offers no network or logical interface that
-- 15-Intf does not document.
--
-- a) keyed on the `status` fact and the services each entry refers to:
--    declared disabled / permanently-disabled but its service listening ->
--    FAIL; declared enabled but not listening -> INCONCLUSIVE (not a FAIL:
--    the unit's PASS condition concerns disabled interfaces; the device
--    may need set-up); an entry without refs to services cannot be
--    checked over the network -> MANUAL_STEP_PENDING when it is declared
--    disabled; status absent -> IXIT_MISSING; kind=physical entries are
--    5.6-3's and skipped.
-- b) a full TCP sweep and a request of its own protocol to each UDP port
--    IoT devices commonly serve (lib.UDP_SERVICES: discovery, CoAP, DNS,
--    NTP, SNMP, NetBIOS, TFTP, WS-Discovery), and a full TCP sweep of
--    the device's IPv6 addresses on the lab's link (lib.ipv6_sweeps:
--    its EUI-64 link-local address and the IPv6 neighbours with its MAC;
--    none found is said in the reason, a sweep there that fails is
--    INCONCLUSIVE): an open port no service declares -> FAIL; a declared service that no
--    15-Intf entry refers to (and no kind=network entry without refs,
--    which carries every service) -> IXIT_MISSING.  15-Intf empty -> FAIL.
testcase {
  id = "5.6-1-2",
  type = "functional",
  ixit = { "15-Intf" },
  purpose = "Each declared interface has its declared status, and the DUT exposes no undeclared network interface.",
  -- Its IPv6 sweep (65535 SYNs over the lab's link, not the shared IPv4
  -- sweep) would flood a capture another gateway test case takes at the
  -- same time: kernel drops and the flow cap hide what the device sent.
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Each interface listed in 15-Intf is in the state, enabled or disabled, that its Status declares.",
      rule = "A disabled interface must not answer on its port; an enabled one that cannot be reached is inconclusive.",
      observation = "interface-status",
      observe = "On the device, check that each network or logical interface declared disabled but tied to no service Assay can reach is really disabled.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "No network or logical interface beyond those listed in 15-Intf is reachable over the network.",
      rule = "Full TCP sweep over IPv4 and over the device's IPv6 addresses on the lab's link, and a protocol request to each common IoT UDP port: an undeclared open TCP port or answering UDP service FAILs.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tcp_sweep", "TCP ports 1-65535"))
    local sweep, why = lib.sweep()
    if not sweep then return units:stop("INCONCLUSIVE", why) end
    local open = {}
    for _, p in ipairs(sweep.open) do open[p] = true end
    a.log("open TCP ports: " .. table.concat(sweep.open, " "))
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      units:add("a", "FAIL", "15-Intf declares no interface while the device has "
          .. #sweep.open .. " open TCP port(s): the IXIT is incomplete", lib.FACTS)
    end
    -- a) declared status.
    local covered = {}
    for _, e in ipairs(entries) do
      local status = lib.fact(e, "status")
      local svcs = lib.services(e)
      for _, s in ipairs(svcs) do covered[s.id] = true end
      if lib.fact(e, "kind") == "physical" then
        -- physical interfaces are 5.6-3's; this unit covers network and
        -- logical ones.
      elseif status == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "status"), lib.FACTS)
      else
        if #svcs == 0 and status ~= "enabled" then
          units:add("a", "INCONCLUSIVE", "MANUAL_STEP_PENDING: interface-status: " .. e.id
              .. " (status=" .. status .. ") refers to no service: check on the device that it "
              .. "is disabled", lib.PERSON)
        end
        for _, s in ipairs(svcs) do
          local where = e.id .. "/" .. s.id .. " (" .. s.transport .. "/" .. s.port .. ")"
          local up
          if s.transport == "tcp" then up = open[s.port] == true else up = lib.udp_listening(s) end
          if status == "disabled" or status == "permanently-disabled" then
            if up == true then
              units:add("a", "FAIL", where .. " is declared " .. status .. " but listening")
            elseif up == false then
              units:add("a", "PASS", where .. " is " .. status .. " as declared (not listening)")
            else
              units:add("a", "INCONCLUSIVE", where .. ": declared " .. status .. "; Assay cannot "
                  .. "tell whether " .. s.protocol .. " over " .. s.transport .. " answers")
            end
          elseif up == true then
            units:add("a", "PASS", where .. " is enabled as declared")
          elseif up == false then
            units:add("a", "INCONCLUSIVE", where .. " is declared enabled but not listening "
                .. "(not a finding of this unit: check the device is fully set up)")
          else
            units:add("a", "INCONCLUSIVE", where .. ": Assay cannot tell whether "
                .. s.protocol .. " over " .. s.transport .. " answers")
          end
        end
      end
    end
    -- b) undeclared interfaces: TCP over IPv4 and IPv6, common UDP services.
    if not units:has("a") then
      units:add("a", "PASS", "vacuous: 15-Intf declares only physical interfaces (5.6-3's)",
          lib.FACTS)
    end
    local u = lib.undeclared_interfaces(sweep)
    local extra, v6bad, v6text = u.extra, u.v6bad, u.coverage
    units.how = u.how
    if #extra > 0 then
      units:add("b", "FAIL", "the device exposes interfaces the IXIT does not declare: "
          .. lib.join(extra))
    elseif v6bad then
      units:add("b", "INCONCLUSIVE", #sweep.open .. " open TCP port(s) over IPv4, all "
          .. "declared, but " .. v6text)
    else
      units:add("b", "PASS", #sweep.open .. " open TCP port(s), all declared; no undeclared "
          .. "UDP service; " .. v6text)
    end
    local uncovered = {}
    for _, s in ipairs(assay.ixit.services) do
      if not covered[s.id] and #lib.interfaces_for(s.id) == 0 then
        uncovered[#uncovered + 1] = s.id
      end
    end
    table.sort(uncovered)
    if #entries > 0 and #uncovered > 0 then
      units:add("b", "INCONCLUSIVE", "IXIT_MISSING:15-Intf/-/entry for service(s) "
          .. table.concat(uncovered, ", "), lib.FACTS)
    end
    return units:settle("every interface in its declared state; nothing undeclared exposed")
  end,
}
