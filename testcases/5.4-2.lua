-- Test group 5.4-2: a hard-coded unique per-device identity used for
-- security is protected against tampering.  Applies where ICS condition 10
-- holds (the engine decides).
group "5.4-2"

local ITEM = "10-SecParam"

-- The hard-coded identities: entries declaring hard-coded=true and
-- unique-per-device=true (an individual static value, TS 103 701 5.4.2.0),
-- and the entries where either fact is absent (unknown, never "no").
local function identities()
  local ids, unknown = {}, {}
  for _, e in ipairs(lib.entries(ITEM)) do
    local hc, u = lib.fact(e, "hard-coded"), lib.fact(e, "unique-per-device")
    if hc == true and u == true then ids[#ids + 1] = e
    elseif hc == nil or (hc == true and u == nil) then unknown[#unknown + 1] = e end
  end
  return ids, unknown
end

-- Units (TS 103 701): a) each parameter whose description shows it is a
-- hard-coded identity says so explicitly; b) the guarantees claimed for
-- each hard-coded identity include tamper-resistance; c) its protection
-- scheme gives that tamper-resistance.
--
-- Rules.  The identities are the entries with hard-coded=true and
-- unique-per-device=true; an entry without these facts -> IXIT_MISSING on
-- every unit.  None declared although the provision applies (ICS condition
-- 10: such an identity is used) -> FAIL on every unit (policy rule 4).
-- Per identity: a "Description" absent or a placeholder FAILs a (no
-- explicit statement), "Security Guarantees" absent or a placeholder FAILs
-- b, "Protection Scheme" absent or a placeholder FAILs c; otherwise each
-- unit is REVIEW_PENDING quoting the text it is judged by (whether it is
-- tamper-resistance against physical, electrical and software means is a
-- person's call).  Stricter than the text: a is decided on the facts, so a
-- Description that never says "identity" still needs the assessor.
testcase {
  id = "5.4-2-1",
  type = "conceptual",
  ixit = { "10-SecParam" },
  purpose = "Hard-coded device identities are declared as such and protected by tamper-resistant storage.",
  units = {
    a = {
      criterion = "Every parameter described as a hard-coded identity is stated to be one explicitly.",
      rule = "Identities are hard-coded=true unique-per-device=true; none while ICS condition 10 holds, or an empty Description, FAILs; otherwise the assessor reads it.",
      decided = "assessor",
    },
    b = {
      criterion = "The guarantees claimed for each hard-coded identity include resistance to tampering.",
      rule = "Absent or placeholder Security Guarantees FAIL; whether they include tamper-resistance is the assessor's call.",
      decided = "assessor",
    },
    c = {
      criterion = "The protection scheme of each hard-coded identity actually gives the claimed tamper-resistance.",
      rule = "Absent or placeholder Protection Scheme FAILs; whether it resists physical, electrical and software tampering is the assessor's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local ids, unknown = identities()
    for _, e in ipairs(unknown) do
      for _, l in ipairs(lib.letters()) do
        units:add(l, "INCONCLUSIVE", lib.missing(ITEM, e, lib.fact(e, "hard-coded") == nil
            and "hard-coded" or "unique-per-device"))
      end
    end
    if #ids == 0 then
      if #unknown > 0 then return units:settle("") end
      return units:stop("FAIL", "no hard-coded identity in 10-SecParam (hard-coded=true "
          .. "unique-per-device=true) although the ICS says one is used (condition 10)")
    end
    local fields = { a = "Description", b = "Security Guarantees", c = "Protection Scheme" }
    local q = {
      a = "states explicitly that it is a hard-coded device identity",
      b = "includes tamper-resistance (against physical, electrical and software means)",
      c = "gives tamper-resistance (a secure element, fuses, an OS-enforced read-only store ...)",
    }
    for _, e in ipairs(ids) do
      for _, l in ipairs({ "a", "b", "c" }) do
        local text = lib.field(e, fields[l])
        if text == nil or lib.is_placeholder(text) then
          units:add(l, "FAIL", e.id .. " (hard-coded identity): \"" .. fields[l] .. "\" "
              .. (text and ("is a placeholder " .. lib.quote(text, 40)) or "absent"),
              text and lib.TEXT or lib.FACTS)
        else
          lib.review(units, l, e.id .. " (hard-coded=true unique-per-device=true): judge "
              .. "whether \"" .. fields[l] .. "\" " .. lib.quote(text, 200) .. " " .. q[l])
        end
      end
    end
    return units:settle("hard-coded identities judged")
  end,
}

-- Unit a (TS 103 701): for each hard-coded identity, the declared
-- tamper-resistance is what the device implements (no sign of the
-- contrary at a basic level).
--
-- Tamper-resistance cannot be seen over the network: whether a secure
-- element holds the identity, whether a debug port or a flash read-out
-- gives it away, is examined on the device by a person.  So the unit is
-- REVIEW_PENDING naming that observation per identity and quoting its
-- protection scheme.  With a firmware image in the lab set-up, Assay
-- carves it first (assay.net.firmware) and adds to the question what the
-- image gives away in clear (a private key, a credential), which the
-- assessor checks against the identity; an image that could not be read
-- is noted.  Never PASS without a person.  No identity declared ->
-- IXIT_MISSING (5.4-2-1 judges that).
testcase {
  id = "5.4-2-2",
  type = "functional",
  ixit = { "10-SecParam" },
  purpose = "The device shows no sign that the declared tamper-resistant storage of a hard-coded identity is missing.",
  units = {
    a = {
      criterion = "Examining the device gives no sign that the declared tamper-resistance of any hard-coded identity is not implemented.",
      rule = "A person examines the device (secure element, debug ports, flash read-out); the declared image's clear secrets are shown to them.",
      decided = "assessor",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.PERSON)
    local ids = identities()
    if #ids == 0 then
      return units:stop("INCONCLUSIVE", lib.missing(ITEM, nil, "hard-coded")
          .. ": no hard-coded identity declared (hard-coded=true unique-per-device=true) "
          .. "whose tamper-resistance to examine", lib.FACTS)
    end
    local seen = {}
    for _, img in ipairs(lib.firmware_images()) do
      local fw, found, open = lib.firmware_secrets(img)
      if not fw then
        seen[#seen + 1] = "firmware " .. tostring(img.id) .. " not read: " .. tostring(found)
      else
        seen[#seen + 1] = "firmware " .. tostring(img.id) .. ": " .. (#found > 0
            and table.concat(found, "; ") or "nothing in clear")
            .. (#open > 0 and (" (incomplete: " .. table.concat(open, "; ") .. ")") or "")
      end
    end
    local list = {}
    for _, e in ipairs(ids) do
      list[#list + 1] = e.id .. " " .. lib.quote(lib.field(e, "Protection Scheme") or "(absent)", 120)
    end
    lib.review(units, "a", "examine the device for each hard-coded identity: is it where "
        .. "the protection scheme says (secure element, fuses), and do debug ports, a flash "
        .. "read-out or software fail to read or change it: " .. table.concat(list, "; ")
        .. (#seen > 0 and ("; " .. table.concat(seen, "; ")) or "; no firmware image in "
        .. "the lab set-up"))
    return units:settle("")
  end,
}
