-- Test group 5.6-1: unused network and logical interfaces are disabled.
group "5.6-1"

testcase {
  id = "5.6-1-1",
  type = "conceptual",
  ixit = { "15-Intf" },
  purpose = "Every enabled network and logical interface has a valid justification for being enabled.",
  run = function(a)
    local units, n = {}, 0
    for _, e in ipairs(lib.entries("15-Intf")) do
      local status = lib.field(e, "Status") or ""
      local desc = lib.field(e, "Description") or ""
      local enabled = status:lower():find("enabled") and not status:lower():find("disabled")
      local physical = lib.mentions(desc, { "physical", "debug header", "uart", "jtag", "button" })
      if enabled and not physical then
        n = n + 1
        if lib.mentions(desc, { "not required" }) then
          lib.unit(units, "a", "FAIL", e.id .. ": enabled although declared not required")
        elseif lib.mentions(desc, { "required", "needed", "necessary", "used for", "purpose" }) then
          lib.unit(units, "a", "PASS", e.id .. ": " .. desc)
        else
          lib.unit(units, "a", "INCONCLUSIVE", lib.missing("15-Intf", e, "Description (justification)"))
        end
      end
    end
    if n == 0 then
      return pass("vacuous: no network or logical interface is declared enabled")
    end
    return lib.settle(units, n .. " enabled interface(s), each justified")
  end,
}

testcase {
  id = "5.6-1-2",
  type = "functional",
  ixit = { "15-Intf" },
  purpose = "Each declared interface has its declared status, and the DUT exposes no undeclared network interface.",
  run = function(a)
    local sweep, why = lib.sweep()
    if not sweep then return inconclusive(why) end
    local open = {}
    for _, p in ipairs(sweep.open) do open[p] = true end
    a.log("open TCP ports: " .. table.concat(sweep.open, " "))
    -- a) declared status: every declared TCP service answers.
    local down = {}
    for _, s in ipairs(assay.ixit.services) do
      if s.transport == "tcp" and not open[s.port] then down[#down + 1] = s.id .. "/" .. s.port end
    end
    if #down > 0 then
      a.unit("a", "FAIL", "declared but not listening: " .. lib.join(down))
    else
      a.unit("a", "PASS", "every declared TCP service is listening")
    end
    -- b) undeclared interfaces: TCP ports and UDP discovery services.
    local extra = {}
    for _, p in ipairs(lib.undeclared_tcp(sweep)) do extra[#extra + 1] = "tcp/" .. p end
    local udp = lib.probe("udp_probe")
    if udp then
      local declared = lib.declared_ports()
      for _, d in ipairs({ { 1900, "ssdp" }, { 5353, "mdns" }, { 5683, "coap" } }) do
        local reply = udp(lib.host(), d[1], d[2])
        if reply and declared.udp[d[1]] == nil then
          extra[#extra + 1] = "udp/" .. d[1] .. " (" .. d[2] .. ")"
        end
      end
    end
    if #extra > 0 then
      a.unit("b", "FAIL", "undeclared: " .. lib.join(extra))
      return fail("the device exposes interfaces the IXIT does not declare: " .. lib.join(extra))
    end
    a.unit("b", "PASS", "no undeclared TCP port or UDP discovery service")
    if #down > 0 then
      return fail("declared services are not listening: " .. lib.join(down))
    end
    return pass(#sweep.open .. " open TCP port(s), all declared; no undeclared discovery service")
  end,
}
