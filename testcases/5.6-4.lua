-- Test group 5.6-4: a physically accessible debug interface is disabled in
-- software.  The group runs only when ICS condition 13 holds (a debug
-- interface is physically accessible): then 15-Intf must declare one.
group "5.6-4"

local ITEM = "15-Intf"

-- "e: kind=..., status=..., exposure=..." for reasons.
local function facts(e)
  return e.id .. ": " .. lib.facts_text(e, { "kind", "status", "exposure", "debug" })
end

-- The 15-Intf entries declared as debug interfaces, and the entries whose
-- `debug` fact is absent (unknown, never "no").
local function debug_entries()
  local out, unknown = {}, {}
  for _, e in ipairs(lib.entries(ITEM)) do
    local d = lib.fact(e, "debug")
    if d == true then out[#out + 1] = e elseif d == nil then unknown[#unknown + 1] = e end
  end
  return out, unknown
end

-- 5.6-4-1, over the 15-Intf entries with debug=true.  Stricter than the
-- text, which speaks of physical interfaces: a debug interface of any
-- kind is included (one reachable over the network is at least as
-- exposed as a port under the case).
--   a) "Protection" must include a software mechanism that disables the
--      interface: empty or placeholder -> FAIL; otherwise REVIEW_PENDING
--      quoting it (no fact says how the interface is switched off).
--   b) not intermittently required (exposure required or not-required):
--      status=permanently-disabled -> PASS by the facts (lib.fact_pass
--      against "Status"); disabled or enabled -> FAIL (only permanent
--      disabling satisfies the unit).
--   c) exposure=intermittent: status disabled or permanently-disabled ->
--      PASS by the facts; enabled -> FAIL (it must be off by default).
-- Facts absent -> IXIT_MISSING.  No debug=true entry -> FAIL on every unit
-- (condition 13 says one is physically accessible: the IXIT is
-- incomplete), unless some entries leave `debug` unknown (IXIT_MISSING).
testcase {
  id = "5.6-4-1",
  type = "conceptual",
  ixit = { "15-Intf" },
  purpose = "Physically accessible debug interfaces can be disabled in software and are disabled permanently or by default.",
  units = {
    a = {
      criterion = "For each accessible debug interface, the declared protection includes a way to switch it off in software.",
      rule = "No Protection stated FAILs; whether it describes a software disabling mechanism is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Each accessible debug interface that is not needed at times is declared switched off for good.",
      rule = "debug=true, exposure not intermittent: status=permanently-disabled PASSes, disabled or enabled FAILs.",
      decided = "facts",
    },
    c = {
      criterion = "Each accessible debug interface needed at times is declared switched off by default.",
      rule = "debug=true, exposure=intermittent: status disabled or permanently-disabled PASSes, enabled FAILs.",
      decided = "facts",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, unknown = debug_entries()
    if #list == 0 then
      if #unknown > 0 then
        return units:stop("INCONCLUSIVE", lib.missing(ITEM, unknown[1], "debug")
            .. (#unknown > 1 and (" (and " .. (#unknown - 1) .. " more entries)") or "")
            .. ": no entry is declared a debug interface, and whether these are is unknown")
      end
      return units:stop("FAIL", "ICS condition 13 holds (a debug interface is physically "
          .. "accessible), but 15-Intf declares no debug interface (debug=true): the IXIT is "
          .. "incomplete")
    end
    for _, e in ipairs(unknown) do
      units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "debug"))
    end
    for _, e in ipairs(list) do
      local prot = lib.field(e, "Protection")
      if lib.is_placeholder(prot) then
        units:add("a", "FAIL", facts(e) .. ": no protection is stated (\"Protection\" "
            .. (prot and lib.quote(prot, 40) or "absent") .. ")", prot and lib.TEXT or lib.FACTS)
      else
        lib.review(units, "a", facts(e) .. ": judge whether the protection "
            .. lib.quote(prot, 200) .. " includes a software mechanism that disables the "
            .. "debug interface")
      end
      local exp, status = lib.fact(e, "exposure"), lib.fact(e, "status")
      if exp == nil then
        units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, "exposure"))
        units:add("c", "INCONCLUSIVE", lib.missing(ITEM, e, "exposure"))
      elseif status == nil then
        units:add(exp == "intermittent" and "c" or "b", "INCONCLUSIVE", lib.missing(ITEM, e, "status"))
      elseif exp ~= "intermittent" then
        if status == "permanently-disabled" then
          lib.fact_pass(units, "b", e, { "Status" }, facts(e) .. " (rule: a debug interface "
              .. "not needed at times is permanently disabled)")
        else
          units:add("b", "FAIL", facts(e) .. ": a debug interface that is not needed at times "
              .. "must be permanently disabled")
        end
      else
        if status == "enabled" then
          units:add("c", "FAIL", facts(e) .. ": a debug interface needed only at times is "
              .. "enabled by default")
        else
          lib.fact_pass(units, "c", e, { "Status" }, facts(e) .. " (rule: an intermittently "
              .. "needed debug interface is off by default)")
        end
      end
    end
    if not units:has("b") then units:add("b", "PASS", "vacuous: every debug interface is declared intermittently required (unit c)") end
    if not units:has("c") then units:add("c", "PASS", "vacuous: no debug interface is declared intermittently required") end
    return units:settle(#list .. " debug interface(s), each disabled as required")
  end,
}

local MAX_BANNER = 4096

-- Debug capability in what an undeclared port says when connected to:
-- a debug console, a boot loader, or a root shell prompt.  Bounded and
-- plain finds only; device output, so a match may FAIL (never PASS).
local function debug_banner(text)
  local t = (text or ""):sub(1, MAX_BANNER):lower()
  for _, w in ipairs({ "debug", "u-boot", "uboot", "jtag", "gdb", "bootloader" }) do
    if t:find(w, 1, true) then return "\"" .. w .. "\"" end
  end
  for line in t:gmatch("[^\n]+") do
    local l = line:sub(1, 256)
    if l:match("^%s*root@[%w%-%.]*[:%s]") or l:match("^%s*/ #%s*$") or l:match("^%s*~ #%s*$") then
      return "a root shell prompt"
    end
  end
  return nil
end

-- 5.6-4-2, in the device's default state:
--   a) each debug=true interface is disabled.  One that refers to services:
--      a service that listens -> FAIL (the interface is on), none listening
--      -> PASS for it (Assay's addition: a debug interface carried by a
--      network service is probed over the network); one without services
--      (UART, JTAG, SWD, USB) -> the `debug-disabled` observation with a
--      standard cable and tools.  No debug=true entry while condition 13
--      holds -> FAIL (the IXIT is incomplete).
--   b) no accessible interface gives debug access unless declared as a
--      debug interface: Assay connects to every open TCP port that no
--      debug=true entry covers (a full sweep) and FAILs one whose banner
--      shows a debug console, boot loader or root shell; the physical ports
--      stay the `undeclared-debug` observation, so b never PASSes by
--      Assay alone.  Stricter than the text (which looks at physical ports
--      only) for the network part.
testcase {
  id = "5.6-4-2",
  type = "functional",
  ixit = { "15-Intf" },
  purpose = "Declared debug interfaces are disabled in the default state and no other interface offers debug access.",
  units = {
    a = {
      criterion = "In its default state, every accessible interface the IXIT marks as a debug interface is actually switched off.",
      rule = "A debug interface whose service listens FAILs, one whose services do not PASSes; physical ones are checked by a person with standard cables.",
      observation = "debug-disabled",
      observe = "With the device in its default state, try each declared physical debug interface (UART, JTAG, SWD, USB) with a standard cable and tools; record whether it gives any access.",
      decided = "observation+automatic",
      reach = "physical",
    },
    b = {
      criterion = "No accessible interface that the IXIT does not mark as a debug interface can be used for debugging.",
      rule = "An open TCP port outside the declared debug interfaces whose banner shows a debug console, boot loader or root shell FAILs; physical ports are a person's check.",
      observation = "undeclared-debug",
      observe = "Try each accessible physical interface not declared as debug (USB, serial headers, test pads reachable without tools) as a debug interface with standard methods and tools.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tcp_sweep, banner, banners", "declared debug services; TCP ports 1-65535"))
    local list, unknown = debug_entries()
    local covered, physical_debug = {}, {}
    if #list == 0 then
      if #unknown > 0 then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, unknown[1], "debug")
            .. (#unknown > 1 and (" (and " .. (#unknown - 1) .. " more)") or ""))
      else
        units:add("a", "FAIL", "ICS condition 13 holds (a debug interface is physically "
            .. "accessible), but 15-Intf declares no debug interface (debug=true): it cannot "
            .. "be checked and the IXIT is incomplete", lib.FACTS)
      end
    end
    for _, e in ipairs(list) do
      local svcs = lib.services(e)
      if #svcs == 0 then physical_debug[#physical_debug + 1] = e.id end
      for _, s in ipairs(svcs) do
        covered[s.id] = true
        local where = e.id .. "/" .. s.id .. " (" .. s.transport .. "/" .. s.port .. ")"
        local up, why = lib.listening(s)
        if up == true then
          local b = s.transport == "tcp" and lib.probe("banner") and
              assay.net.banner({ host = lib.addr(s), port = s.port, timeout_ms = 1500, max_read = 1024 })
          units:add("a", "FAIL", where .. ": a debug interface, declared "
              .. tostring(lib.fact(e, "status")) .. ", listens in the default state"
              .. ((b and not lib.asks_password(b)) and " and answers without asking for a login" or ""))
          if b then assay.evidence("debug-" .. s.id:gsub("[^%w._-]", "_") .. ".txt", b) end
        elseif up == false then
          units:add("a", "PASS", where .. ": not listening in the default state")
        else
          units:add("a", "INCONCLUSIVE", where .. ": " .. tostring(why))
        end
      end
    end
    if #physical_debug > 0 then
      lib.manual_note(units, "a", "physical debug interfaces: " .. table.concat(physical_debug, ", "))
    end
    -- b) undeclared debug capability on the open TCP ports.
    local sweep, err = lib.sweep()
    if not sweep then
      units:add("b", "INCONCLUSIVE", err)
    else
      local declared = lib.declared_ports()
      local n, by_host, hosts, got = 0, {}, {}, {}
      -- The banners are read at once (assay.net.banners), per host.
      local banners = lib.probe("banners")
      if banners then
        for _, p in ipairs(sweep.open) do
          local s = declared.tcp[p]
          if not (s and covered[s.id]) and n < 32 then
            n = n + 1
            local h = s and lib.addr(s) or lib.host()
            if not by_host[h] then by_host[h] = {}; hosts[#hosts + 1] = h end
            table.insert(by_host[h], p)
          end
        end
      end
      for _, h in ipairs(hosts) do
        local replies = banners({ host = h, ports = by_host[h], timeout_ms = 1500,
            max_read = MAX_BANNER })
        for _, p in ipairs(by_host[h]) do got[#got + 1] = { p, replies[p] } end
      end
      table.sort(got, function(x, y) return x[1] < y[1] end)
      for _, g in ipairs(got) do
        local p, b = g[1], g[2]
        local s = declared.tcp[p]
        local hit = b and debug_banner(b)
        if hit then
          assay.evidence("undeclared-debug-" .. p .. ".txt", b)
          units:add("b", "FAIL", "tcp/" .. p .. (s and (" (" .. s.id .. ")") or " (undeclared)")
              .. " offers debug access its 15-Intf entry does not declare: the banner shows "
              .. hit .. " (" .. lib.quote((b:gsub("%s+", " ")), 120) .. ")")
        end
      end
      a.log("banners read on " .. n .. " open TCP port(s) outside the declared debug interfaces")
    end
    lib.manual_note(units, "b", "the physical ports; Assay looked for debug consoles on the "
        .. "open TCP ports only")
    return units:settle("")
  end,
}
