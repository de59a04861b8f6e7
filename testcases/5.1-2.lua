-- Test group 5.1-2: pre-installed unique per-device passwords are
-- generated so as to resist automated attacks on a class of devices.
group "5.1-2"

local regular = { "sequential", "incremental", "increment", "counter", "consecutive" }
local common = { "dictionary word", "common password", "default password", "admin",
    "password123", "12345" }
local public = { "mac address", "mac-address", " mac", "serial number", "serial no",
    "ssid", "derived from the serial", "derived from the mac", "imei", "model number" }
local strong = { "csprng", "cryptographically secure", "hardware rng", "trng", "random",
    "/dev/urandom", "getrandom", "drbg" }

-- The longest "N characters" / "N chars" / "N-character" the text declares.
local function declared_length(text)
  local best
  for n in text:lower():gmatch("(%d+)[%s%-]*char") do
    n = tonumber(n)
    if best == nil or n > best then best = n end
  end
  return best
end

testcase {
  id = "5.1-2-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "The pre-installed password generator has no regularities, common strings or public-data links, and enough complexity.",
  run = function(a)
    local units, n = {}, 0
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      if lib.is_password(e) and not lib.is_user_defined(e) then
        n = n + 1
        local gen = lib.field(e, "Password Generation Mechanism")
        if gen == nil then
          lib.unit(units, "a", "INCONCLUSIVE", lib.missing("1-AuthMech", e,
              "Password Generation Mechanism"))
        else
          local w = lib.mentions(gen, regular)
          lib.unit(units, "a", w and "FAIL" or "PASS", w and
              (e.id .. ": generator shows a regularity (\"" .. w .. "\")") or
              (e.id .. ": no incremental or counter-based scheme declared"))
          w = lib.mentions(gen, common)
          lib.unit(units, "b", w and "FAIL" or "PASS", w and
              (e.id .. ": generator uses a common string (\"" .. w .. "\")") or
              (e.id .. ": no common strings declared"))
          -- "independent of the serial number and MAC" is the opposite of a link.
          local linked = (" " .. gen:lower()):gsub("independent of[^;%.]*", "")
              :gsub("not derived from[^;%.]*", ""):gsub("not based on[^;%.]*", "")
              :gsub("unrelated to[^;%.]*", ""):gsub("no link to[^;%.]*", "")
          w = lib.mentions(linked, public)
          lib.unit(units, "c", w and "FAIL" or "PASS", w and
              (e.id .. ": password derived from public data (\"" .. w:gsub("^ ", "") .. "\")") or
              (e.id .. ": no link to public data (MAC, serial, SSID) declared"))
          local len = declared_length(gen)
          if len == nil or not lib.mentions(gen, strong) then
            lib.unit(units, "d", "INCONCLUSIVE", e.id .. ": the IXIT must state the source "
                .. "of randomness and the length for the complexity to be judged")
          elseif len < 8 then
            lib.unit(units, "d", "FAIL", e.id .. ": " .. len .. " characters is too short")
          else
            lib.unit(units, "d", "PASS", e.id .. ": " .. len .. " characters from a random source")
          end
        end
      end
    end
    if n == 0 then
      return inconclusive("condition 2 holds (pre-installed passwords) but 1-AuthMech declares "
          .. "no pre-installed password mechanism: IXIT_MISSING:1-AuthMech")
    end
    return lib.settle(units, n .. " pre-installed password mechanism(s) reviewed: "
        .. "random, long enough, no regularities or public-data links")
  end,
}

testcase {
  id = "5.1-2-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "Sample pre-installed passwords on the DUT plausibly follow the declared generation mechanism.",
  run = function(a)
    return lib.manual("read the pre-installed passwords of several units (labels, "
        .. "packaging), compare them with the declared generation mechanism and record "
        .. "the finding (--judgement 5.1-2-2=PASS|FAIL:..., --observation)", { "a" })
  end,
}
