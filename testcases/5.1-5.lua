-- Test group 5.1-5: brute-force protection for network authentication.
group "5.1-5"

testcase {
  id = "5.1-5-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "Each network-addressable authentication mechanism has brute-force protection making guessing impracticable.",
  run = function(a)
    local units, n = {}, 0
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      if #lib.services(e) > 0 then
        n = n + 1
        local b = lib.field(e, "Brute Force Prevention")
        if b == nil then
          lib.unit(units, "a", "INCONCLUSIVE", lib.missing("1-AuthMech", e, "Brute Force Prevention"))
        elseif lib.is_none(b) then
          lib.unit(units, "a", "FAIL", e.id .. ": reachable over the network with no "
              .. "brute-force protection")
        else
          lib.unit(units, "a", "PASS", e.id .. ": " .. b)
        end
      end
    end
    if n == 0 then
      return pass("vacuous: no authentication mechanism is declared reachable over a network")
    end
    return lib.settle(units, n .. " network authentication mechanism(s) declare brute-force protection")
  end,
}

-- How many wrong passwords unit b tries per mechanism (within the budget).
local ATTEMPTS = 12

-- Declared entropy in bits ("about 116 bits"), or nil.
local function entropy_bits(text)
  local best
  for n in (text or ""):lower():gmatch("(%d+)%s*bits") do
    n = tonumber(n)
    if best == nil or n > best then best = n end
  end
  return best
end

-- A wrong password nobody uses.
local function wrong(i)
  return string.format("assay-wrong-%d-%d", i, assay.now_ms() % 100000)
end

testcase {
  id = "5.1-5-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "No undeclared network authentication; brute-force attempts on each declared one are slowed, locked out or blocked.",
  run = function(a)
    local sweep, why = lib.sweep()
    if not sweep then return inconclusive(why) end
    local units, banner = {}, lib.probe("banner")
    -- a) undeclared network authentication endpoints.
    local extra = {}
    for _, port in ipairs(lib.undeclared_tcp(sweep)) do
      local b = banner and banner(lib.host(), port, { timeout_ms = 1500, max_bytes = 4096 })
      if b and lib.asks_password(b) then extra[#extra + 1] = "tcp/" .. port end
    end
    if #extra > 0 then
      lib.unit(units, "a", "FAIL", "undeclared authentication on " .. lib.join(extra))
    else
      lib.unit(units, "a", "PASS", "no undeclared network authentication endpoint")
    end
    -- b) brute force against each declared network mechanism.
    local n = 0
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      for _, s in ipairs(lib.services(e)) do
        n = n + 1
        local user = "admin"
        for _, c in ipairs(lib.credentials()) do
          if c.service == s.id then user = c.username end
        end
        local times, blocked, first_err = {}, nil, nil
        for i = 1, ATTEMPTS do
          local t0 = assay.now_ms()
          local ok, detail = lib.login(s, user, wrong(i))
          times[i] = assay.now_ms() - t0
          if ok == nil then
            if i == 1 then first_err = detail end
            blocked = blocked or string.format("attempt %d got no answer (%s)", i, tostring(detail))
            break
          elseif ok then
            blocked = nil
            lib.unit(units, "b", "FAIL", s.id .. " accepted a random wrong password")
            break
          end
        end
        a.log(s.id .. ": attempt times (ms) " .. table.concat(times, " "))
        if first_err then
          lib.unit(units, "b", "INCONCLUSIVE", "DUT_UNREACHABLE: " .. s.id .. ": " .. first_err)
        elseif blocked then
          lib.unit(units, "b", "PASS", s.id .. ": blocked after wrong passwords: " .. blocked)
        elseif #times == ATTEMPTS then
          local first, last = times[1], times[#times]
          local total = 0
          for _, t in ipairs(times) do total = total + t end
          local declared = lib.field(e, "Brute Force Prevention")
          local bits = entropy_bits(declared)
          if last >= 1000 and last >= 3 * math.max(first, 1) then
            lib.unit(units, "b", "PASS", string.format("%s: answers slowed from %d ms to %d ms",
                s.id, first, last))
          elseif bits and bits >= 64 then
            -- Protection by entropy: at this rate 2^bits guesses stay out of
            -- reach; the entropy claim itself is judged by 5.1-2-1.
            lib.unit(units, "b", "PASS", string.format("%s: protection by a %d-bit secret as "
                .. "declared; %d wrong passwords rejected (%d ms each): guessing needs about "
                .. "2^%d attempts", s.id, bits, ATTEMPTS, math.floor(total / ATTEMPTS), bits - 1))
          else
            lib.unit(units, "b", "FAIL", string.format("%s: %d wrong passwords in %d ms, each "
                .. "answered (%d ms .. %d ms): no delay, lockout or blocking", s.id, ATTEMPTS,
                total, first, last))
          end
        end
      end
    end
    if n == 0 then
      lib.unit(units, "b", "PASS", "vacuous: no declared network authentication mechanism")
    end
    return lib.settle(units, "every declared network authentication resists brute force")
  end,
}
