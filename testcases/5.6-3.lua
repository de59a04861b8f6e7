-- Test group 5.6-3: the hardware does not needlessly expose physical
-- interfaces (ports, pads, radios) to attack.
group "5.6-3"

local ITEM = "15-Intf"

-- Physical interfaces in the sense of the group: ports and pads
-- (kind=physical) and radios (kind=air).
local function physical(e)
  local k = lib.fact(e, "kind")
  return k == "physical" or k == "air"
end

-- "e: kind=..., status=..., exposure=..." for reasons.
local function facts(e)
  return e.id .. ": " .. lib.facts_text(e, { "kind", "status", "exposure", "debug" })
end

-- 5.6-3-1, over the 15-Intf entries with kind=physical or kind=air:
--   a) exposure=not-required: the "Protection" must include the casing or
--      something like it (an antenna outside the case is acceptable for a
--      radio).  An empty or placeholder "Protection" -> FAIL; otherwise
--      REVIEW_PENDING quoting it (only a person can say whether the text
--      describes casing-level protection).  Stricter than the text: an
--      interface declared required or intermittent whose "Description" is
--      empty or a placeholder also FAILs a (the exposure is claimed with no
--      purpose to justify it).
--   b) kind=air with exposure=not-required: status disabled or
--      permanently-disabled -> PASS by the facts (lib.fact_pass against the
--      "Status" text); enabled -> FAIL.
--   c) exposure=intermittent: permanently-disabled -> PASS by the facts (it
--      is off in every period); disabled -> REVIEW_PENDING (off by default;
--      whether it is switched off again after each use is read from
--      "Status"/"Protection" by a person); enabled -> REVIEW_PENDING naming
--      that it is on in the initialized state (whether that is a period of
--      use is the assessor's call).
-- Facts the rule keys on absent (kind, exposure, status) -> IXIT_MISSING.
-- 15-Intf empty -> FAIL on every unit (policy rule 4); no physical or air
-- entry at all -> IXIT_MISSING (a connected device has at least the port or
-- radio its network runs over); a unit with no interface in its scope is a
-- vacuous PASS.
testcase {
  id = "5.6-3-1",
  type = "conceptual",
  ixit = { "15-Intf" },
  purpose = "Unneeded physical interfaces are enclosed, unneeded air interfaces disabled, intermittent ones disabled when unused.",
  units = {
    a = {
      criterion = "Every physical interface that never needs to be exposed is protected by the device casing or a comparable measure, according to its declared protection.",
      rule = "exposure=not-required with no Protection stated, or a claimed exposure without a purpose, FAILs; whether the protection amounts to casing is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Every radio interface that never needs to be exposed is declared disabled.",
      rule = "kind=air, exposure=not-required: status disabled or permanently-disabled PASSes, enabled FAILs.",
      decided = "facts",
    },
    c = {
      criterion = "Every physical interface needed only at times is declared disabled whenever it is not in use.",
      rule = "exposure=intermittent: permanently-disabled PASSes; disabled or enabled by default goes to a person, who judges the periods out of use.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      return units:stop("FAIL", "15-Intf declares no interface: the IXIT is incomplete")
    end
    local n = 0
    for _, e in ipairs(entries) do
      local kind = lib.fact(e, "kind")
      if kind == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "kind"))
      elseif physical(e) then
        n = n + 1
        local exp, status = lib.fact(e, "exposure"), lib.fact(e, "status")
        if exp == nil then
          for _, l in ipairs({ "a", "b", "c" }) do
            units:add(l, "INCONCLUSIVE", lib.missing(ITEM, e, "exposure"))
          end
        elseif exp == "not-required" then
          local prot = lib.field(e, "Protection")
          if lib.is_placeholder(prot) then
            units:add("a", "FAIL", facts(e) .. ": not required, yet no protection is stated "
                .. "(\"Protection\" " .. (prot and lib.quote(prot, 40) or "absent") .. ")",
                prot and lib.TEXT or lib.FACTS)
          else
            lib.review(units, "a", facts(e) .. ": judge whether the protection "
                .. lib.quote(prot, 200) .. " includes the device casing or a comparable "
                .. "measure" .. (kind == "air" and " (an antenna outside the case is acceptable)" or ""))
          end
          if kind == "air" then
            if status == nil then
              units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, "status"))
            elseif status == "enabled" then
              units:add("b", "FAIL", facts(e) .. ": a radio that is not required is enabled")
            else
              lib.fact_pass(units, "b", e, { "Status" }, facts(e) .. " (rule: a radio not "
                  .. "required is disabled)")
            end
          end
        else
          local desc = lib.field(e, "Description")
          if lib.is_placeholder(desc) then
            units:add("a", "FAIL", facts(e) .. ": exposure is claimed without a stated purpose "
                .. "(\"Description\" " .. (desc and lib.quote(desc, 40) or "absent") .. ")",
                desc and lib.TEXT or lib.FACTS)
          end
          if exp == "intermittent" then
            local st = lib.field(e, "Status")
            if status == nil then
              units:add("c", "INCONCLUSIVE", lib.missing(ITEM, e, "status"))
            elseif status == "permanently-disabled" then
              lib.fact_pass(units, "c", e, { "Status" }, facts(e) .. " (rule: permanently "
                  .. "disabled is off in every period)")
            elseif status == "disabled" then
              lib.review(units, "c", facts(e) .. ": off by default; judge whether it is "
                  .. "disabled again in every period it is not needed (Status "
                  .. lib.quote(st or "(no text)", 160) .. ", Protection "
                  .. lib.quote(lib.field(e, "Protection") or "(no text)", 160) .. ")")
            else
              lib.review(units, "c", facts(e) .. ": enabled in the initialized state; judge "
                  .. "whether it is needed then and disabled in every period it is not "
                  .. "(Status " .. lib.quote(st or "(no text)", 160) .. ", Protection "
                  .. lib.quote(lib.field(e, "Protection") or "(no text)", 160) .. ")")
            end
          end
        end
      end
    end
    if n == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:15-Intf/-/kind=physical or kind=air "
          .. "(no physical or air interface is declared; a connected device has at least the "
          .. "port or radio its network runs over)")
    end
    if not units:has("a") then units:add("a", "PASS", "vacuous: no physical interface is declared not required") end
    if not units:has("b") then units:add("b", "PASS", "vacuous: no air interface is declared not required") end
    if not units:has("c") then units:add("c", "PASS", "vacuous: no physical interface is declared intermittently required") end
    return units:settle(n .. " physical or air interface(s) protected as required")
  end,
}

-- 5.6-3-2: the device in hand.
--   a) every exposed physical interface found on the device is in 15-Intf
--      as required or intermittent: the `physical-interfaces` observation
--      (the list of declared ones in the note).
--   b) the interfaces declared not required are behind the casing: the
--      `casing-protection` observation (those interfaces named).
--   c) every radio is enabled or disabled as declared: where a kind=air
--      entry refers to services Assay can reach, a service listening while
--      the radio is declared disabled FAILs (Assay's addition: the radio is
--      then plainly on); the rest, and radios the IXIT does not list, is the
--      `air-interface-scan` observation (an RF scan), which always stays:
--      the network cannot show a radio that carries no service.
--   d) interfaces needed only at times are off when not in use: the
--      `intermittent-disabled` observation; an intermittent entry whose
--      service listens while declared disabled FAILs it.
-- Looser than the text nowhere; the physical inspection is the unit's own
-- method and stays a person's.
testcase {
  id = "5.6-3-2",
  type = "functional",
  ixit = { "15-Intf" },
  purpose = "The DUT exposes no undeclared physical interface, unneeded ones are enclosed, radios and intermittent interfaces are off as declared.",
  units = {
    a = {
      criterion = "Each physical interface found exposed on the device is listed in 15-Intf as needing permanent or occasional exposure.",
      observation = "physical-interfaces",
      observe = "Inspect the device's outside (ports, buttons, slots, test pads reachable without opening it); note each exposed interface and whether 15-Intf lists it as required or intermittent.",
      decided = "observation",
      reach = "physical",
    },
    b = {
      criterion = "Each physical interface the IXIT says needs no exposure can only be reached by opening or breaking the casing, or a similar barrier.",
      observation = "casing-protection",
      observe = "For each interface declared not required, check on the device that reaching it needs the casing opened or broken (or a comparable measure).",
      decided = "observation",
      reach = "physical",
    },
    c = {
      criterion = "Each radio interface found on the device is switched on or off exactly as its declared status says.",
      rule = "A declared-disabled radio whose service listens FAILs; otherwise an RF scan by a person compares the radios on air with 15-Intf.",
      observation = "air-interface-scan",
      observe = "Scan the device's radios (Wi-Fi, Bluetooth LE, Zigbee, Thread, sub-GHz) in the initialized state and compare what is on air with each air interface's declared status.",
      decided = "observation+automatic",
      reach = "physical",
    },
    d = {
      criterion = "Each physical interface needed only at times is switched off in every period in which it is not being used.",
      rule = "An intermittent interface whose service listens while declared disabled FAILs; otherwise a person checks it is off when unused.",
      observation = "intermittent-disabled",
      observe = "For each interface needed only at times, check that it is off outside its use (before and after pairing or servicing) and that enabling it needs a trusted step.",
      decided = "observation+automatic",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tcp_sweep, coap_get, udp_probe", "declared ports of air and intermittent interfaces"))
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      units:add("a", "FAIL", "15-Intf declares no interface: nothing to compare the device "
          .. "with (incomplete IXIT)", lib.FACTS)
    end
    local declared, enclosed, intermittent = {}, {}, {}
    for _, e in ipairs(entries) do
      if physical(e) then
        local exp = lib.fact(e, "exposure")
        if exp == "not-required" then enclosed[#enclosed + 1] = e.id
        else declared[#declared + 1] = e.id .. " (" .. tostring(exp) .. ")" end
        if exp == "intermittent" then intermittent[#intermittent + 1] = e.id end
        local status = lib.fact(e, "status")
        local check = (lib.fact(e, "kind") == "air" and "c") or (exp == "intermittent" and "d")
        if check and #lib.services(e) > 0 then
          if status == nil then
            units:add(check, "INCONCLUSIVE", lib.missing(ITEM, e, "status"))
          elseif status ~= "enabled" then
            for _, s in ipairs(lib.services(e)) do
              local where = e.id .. "/" .. s.id .. " (" .. s.transport .. "/" .. s.port .. ")"
              local up, why = lib.listening(s)
              if up == true then
                units:add(check, "FAIL", where .. " is declared " .. status .. " but its service "
                    .. "listens in the initialized state")
                if check == "c" and exp == "intermittent" then
                  units:add("d", "FAIL", where .. ": needed only at times, declared " .. status
                      .. ", yet listening")
                end
              elseif up == nil then
                a.log(where .. ": " .. tostring(why))
              end
            end
          end
        end
      end
    end
    local function list(t) return #t > 0 and table.concat(t, ", ") or "none declared" end
    lib.manual_note(units, "a", "declared as exposed: " .. list(declared))
    lib.manual_note(units, "b", "declared not required: " .. list(enclosed))
    lib.manual_note(units, "c", "radios in 15-Intf: " .. (function()
      local r = {}
      for _, e in ipairs(entries) do
        if lib.fact(e, "kind") == "air" then r[#r + 1] = e.id .. " (" .. tostring(lib.fact(e, "status")) .. ")" end
      end
      return list(r)
    end)())
    lib.manual_note(units, "d", "declared intermittent: " .. list(intermittent))
    return units:settle("")
  end,
}
