-- Test group 5.1-1: no universal default passwords.  Outside the factory
-- default state, every password must be unique per device or user-defined.
group "5.1-1"

local universal = { "same for all", "same password", "universal", "common to all",
    "identical", "fixed", "hard-coded", "hardcoded", "static default", "shared default",
    "factory default password for all" }
local unique = { "unique", "per device", "per-device", "random", "individual" }

testcase {
  id = "5.1-1-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "Non-user-defined passwords used outside factory default are unique per device.",
  run = function(a)
    local units, judged, open = {}, {}, {}
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      if lib.is_password(e) and not lib.is_user_defined(e) then
        local gen = lib.field(e, "Password Generation Mechanism")
        if gen == nil then
          open[#open + 1] = lib.missing("1-AuthMech", e, "Password Generation Mechanism")
        elseif lib.mentions(gen, universal) then
          lib.unit(units, "a", "FAIL", string.format(
              "mechanism %s: generation \"%s\" does not give each device its own password",
              e.id, gen))
        elseif lib.mentions(gen, unique) then
          judged[#judged + 1] = e.id
        else
          open[#open + 1] = "mechanism " .. e.id .. ": the assessor must judge whether \""
              .. gen .. "\" yields a password unique to each device"
        end
      end
    end
    if #open > 0 then
      lib.unit(units, "a", "INCONCLUSIVE", table.concat(open, "; "))
    end
    if #units == 0 then
      if #judged == 0 then
        lib.unit(units, "a", "PASS", "vacuous: no non-user-defined password in 1-AuthMech")
        return pass("every declared password is user-defined (or none is used)")
      end
      lib.unit(units, "a", "PASS", "unique per device: " .. lib.join(judged))
    end
    return lib.settle(units, "non-user-defined passwords are declared unique per device ("
        .. lib.join(judged) .. ")")
  end,
}

testcase {
  id = "5.1-1-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "On the device: no undeclared password interface, user passwords set before use, defaults match the scheme.",
  run = function(a)
    return lib.no_probe("port/service scan and credential probes (5.1-1-2 a-c)")
  end,
}
