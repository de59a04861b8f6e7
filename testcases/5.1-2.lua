-- Test group 5.1-2: pre-installed unique per-device passwords are
-- generated so as to resist automated attacks on a class of devices.
group "5.1-2"

local ITEM = "1-AuthMech"

-- Entropy (bits) of a password drawn uniformly: length * log2(alphabet).
local function entropy(len, alpha)
  return len * math.log(alpha, 2)
end

-- Complexity thresholds (Assay's stated rule for unit d, see below).
local STRONG_BITS = 64
local WEAK_BITS = 20

-- The free text a generation rule is read against (lib.fact_pass).
local GEN_TEXT = { "Password Generation Mechanism" }

-- Units a-c: each has the one generation that fails it, what csprng
-- guarantees for it, and what a person judges for any other generation.
local REGULARITY_UNITS = {
  { letter = "a", bad = "sequential", fail = "sequential values are an obvious regularity",
    pass = "independent random draws",
    ask = "the generation %s induces obvious regularities" },
  { letter = "b", bad = "fixed", fail = "a fixed password is one string on every device",
    pass = "random draws, no common string",
    ask = "the generation %s yields common strings or patterns" },
  { letter = "c", bad = "derived-from-device-data",
    fail = "passwords derived from device data (MAC, serial, SSID ...) are related to "
        .. "information an attacker can read",
    pass = "independent of public information",
    ask = "%s relates passwords to public information" },
}

-- Mechanisms with pre-installed passwords (password-set-by pre-installed-*).
-- Entries lacking the facts needed to tell are reported on `units`.
local function preinstalled(units)
  local out = {}
  for _, e in ipairs(lib.entries_where(units, "a", ITEM, lib.is_password, "factor")) do
    local by = lib.fact(e, "password-set-by")
    if by == nil then
      units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "password-set-by"), lib.FACTS)
    elseif by ~= "user" then
      out[#out + 1] = e
    end
  end
  return out
end

-- Units (TS 103 701) for each mechanism with pre-installed passwords:
--  a) no obvious regularities, b) no common strings or patterns, c) no
--  obvious relation to public information, d) appropriate complexity.
--
-- Rules on the `password-generation` fact:
--   sequential               -> a FAIL (a counter is a regularity)
--   fixed                    -> b FAIL (one string on every device is the
--                               common string attackers try first)
--   derived-from-device-data -> c FAIL (MAC, serial, SSID are public or
--                               readable; stricter than the text, which
--                               asks for an "obvious" relation: a keyed
--                               derivation could be fine, but the fact does
--                               not say so -- the manufacturer must then
--                               declare csprng or the assessor judges)
--   csprng                   -> a, b, c PASS (rule: independent uniform
--                               draws carry no regularity, common string or
--                               public-data relation beyond chance)
--   user-chosen              -> contradiction with a pre-installed password
--   password-set-by=pre-installed-shared -> b FAIL whatever the generation
--                               (one value for the whole class is the common
--                               string an automated attack tries; with
--                               user-must-change=true REVIEW_PENDING: it may
--                               serve only the factory default state)
--   absent                   -> IXIT_MISSING
-- d) with csprng, entropy = password-length * log2(password-alphabet):
--   >= 64 bits PASS (out of reach of online and bulk guessing);
--   < 20 bits FAIL (about a million values: an online attack succeeds);
--   in between REVIEW_PENDING (acceptable only with brute-force
--   protection, which the assessor weighs with 5.1-5).
testcase {
  id = "5.1-2-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "The pre-installed password generator has no regularities, common strings or public-data links, and enough complexity.",
  units = {
    a = {
      criterion = "The declared generation of pre-installed passwords produces no obvious regularity between passwords, such as counters.",
      rule = "password-generation=sequential FAILs, csprng PASSes; any other generation needs a person.",
      decided = "facts+assessor",
    },
    b = {
      criterion = "The generation of pre-installed passwords produces no common strings or patterns, such as words from password dictionaries.",
      rule = "password-generation=fixed or a pre-installed-shared password FAILs (shared with user-must-change=true: a person), csprng PASSes; any other generation needs a person.",
      decided = "facts+assessor",
    },
    c = {
      criterion = "Pre-installed passwords have no obvious link to public information about the device (MAC address, SSID, name, type).",
      rule = "password-generation=derived-from-device-data FAILs, csprng PASSes; any other generation needs a person.",
      decided = "facts+assessor",
    },
    d = {
      criterion = "Pre-installed passwords are complex enough that guessing one with what an attacker knows is unlikely.",
      rule = "csprng with password-length x log2(password-alphabet) >= 64 bits PASSes, < 20 bits FAILs, between needs a person; fixed, sequential or derived FAIL.",
      decided = "facts+assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = preinstalled(units)
    if #list == 0 and units:has("a") then
      -- Which mechanisms are pre-installed is unknown: so is every unit.
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:1-AuthMech/-/factor or password-set-by "
          .. "(see unit a): which mechanisms have pre-installed passwords is unknown")
    end
    if #list == 0 then
      if assay.ics.conditions[2] then
        return units:stop("FAIL", "the ICS says pre-installed passwords are used (condition 2) "
            .. "but no 1-AuthMech entry declares password-set-by=pre-installed-*: the IXIT "
            .. "is incomplete")
      end
      for _, l in ipairs({ "a", "b", "c", "d" }) do
        units:add(l, "PASS", "vacuous: no pre-installed password mechanism in 1-AuthMech")
      end
      return units:settle("vacuous: no pre-installed password mechanism")
    end
    for _, e in ipairs(list) do
      local gen = lib.fact(e, "password-generation")
      local facts = e.id .. ": " .. lib.facts_text(e, { "password-generation",
          "password-length", "password-alphabet" })
      if gen == nil then
        for _, l in ipairs({ "a", "b", "c", "d" }) do
          units:add(l, "INCONCLUSIVE", lib.missing(ITEM, e, "password-generation"))
        end
      elseif gen == "user-chosen" then
        for _, l in ipairs({ "a", "b", "c", "d" }) do
          units:add(l, "INCONCLUSIVE", e.id .. ": facts contradict each other "
              .. "(password-set-by=" .. lib.show(lib.fact(e, "password-set-by"))
              .. ", password-generation=user-chosen): the IXIT must be corrected")
        end
      else
        local rule = " (rule: password-generation=csprng)"
        local text = lib.quote(lib.field(e, "Password Generation Mechanism") or "(no text)")
        local shared = lib.fact(e, "password-set-by") == "pre-installed-shared"
        if shared and lib.fact(e, "user-must-change") == true then
          lib.review(units, "b", facts .. ", password-set-by=pre-installed-shared, "
              .. "user-must-change=true: one value on every device of the class; judge whether "
              .. "it serves only the factory default state (else it is the common string an "
              .. "automated attack on the class tries)")
        elseif shared then
          units:add("b", "FAIL", facts .. ", password-set-by=pre-installed-shared: one value on "
              .. "every device of the class is the common string an automated attack on the "
              .. "class tries first, however it was drawn")
        end
        for _, u in ipairs(REGULARITY_UNITS) do
          if gen == u.bad then
            units:add(u.letter, "FAIL", facts .. ": " .. u.fail)
          elseif gen == "csprng" then
            lib.fact_pass(units, u.letter, e, GEN_TEXT, facts .. ": " .. u.pass .. rule)
          else
            lib.review(units, u.letter, facts .. ": judge whether " .. u.ask:format(text))
          end
        end
        if gen == "csprng" then
          local len = lib.require_fact(units, "d", ITEM, e, "password-length")
          local alpha = lib.require_fact(units, "d", ITEM, e, "password-alphabet")
          if len and alpha then
            local bits = entropy(len, alpha)
            local txt = string.format("%s: about %d bits", facts, math.floor(bits))
            if bits >= STRONG_BITS then
              lib.fact_pass(units, "d", e, GEN_TEXT,
                  txt .. " (rule: >= " .. STRONG_BITS .. " bits from a CSPRNG)")
            elseif bits < WEAK_BITS then
              units:add("d", "FAIL", txt .. " (rule: < " .. WEAK_BITS .. " bits is guessable online)")
            else
              lib.review(units, "d", txt .. ": between " .. WEAK_BITS .. " and " .. STRONG_BITS
                  .. " bits; judge with the brute-force protection "
                  .. lib.facts_text(e, { "brute-force", "brute-force-attempts",
                      "brute-force-delay-ms", "brute-force-rate-per-min" }))
            end
          end
        elseif gen == "fixed" or gen == "sequential" or gen == "derived-from-device-data" then
          units:add("d", "FAIL", facts .. ": a " .. gen .. " password has no complexity against "
              .. "an attacker who knows the scheme")
        else
          lib.review(units, "d", facts .. ": judge the complexity")
        end
      end
    end
    return units:settle(#list .. " pre-installed password mechanism(s): CSPRNG draws of "
        .. ">= " .. STRONG_BITS .. " bits (rules stated in the test case)")
  end,
}

-- Unit a (TS 103 701): the declared generation is plausibly implemented.
-- Assay compares every pre-installed password the lab read off the device
-- (set-up credentials with origin="pre-installed") with the facts
-- password-length and password-alphabet: a mismatch is an indication ->
-- FAIL.  A PASS needs several units' passwords (labels, packaging), which
-- only a person can collect: MANUAL_STEP_PENDING: label-passwords, until
-- `assay review` records the judgement.  No pre-installed mechanism and
-- ICS condition 2 false: vacuous PASS (facts missing: IXIT_MISSING).
testcase {
  id = "5.1-2-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "Sample pre-installed passwords on the DUT plausibly follow the declared generation mechanism.",
  units = {
    a = {
      criterion = "The pre-installed passwords of real devices plausibly come from the generation mechanism the IXIT declares.",
      rule = "A pre-installed password in the lab set-up that contradicts password-length or password-alphabet FAILs; the PASS needs a person.",
      observation = "label-passwords",
      observe = "Read the pre-installed passwords of several units (labels, packaging) and compare them with password-generation, password-length and password-alphabet.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local seen = lib.ignored_units()  -- 5.1-2-1 reports missing facts
    local list = preinstalled(seen)
    if #list == 0 and assay.ics.conditions[2] and #lib.entries(ITEM) == 0 then
      units:add("a", "FAIL", "the ICS says pre-installed passwords are used (condition 2) but "
          .. "1-AuthMech is empty: nothing to compare the passwords with")
    end
    for _, e in ipairs(list) do
      local by = lib.fact(e, "password-set-by")
      if by == "pre-installed-unique" or by == "pre-installed-shared" then
        local len, alpha = lib.fact(e, "password-length"), lib.fact(e, "password-alphabet")
        for _, s in ipairs(lib.services(e)) do
          for _, c in ipairs(lib.credentials()) do
            if c.service == s.id and c.origin == "pre-installed" then
              local pw = c.password or ""
              local seen, n = {}, 0
              for ch in pw:gmatch(".") do
                if not seen[ch] then seen[ch] = true; n = n + 1 end
              end
              if len and #pw ~= len then
                units:add("a", "FAIL", string.format("%s: a pre-installed password of %d "
                    .. "characters, %s declares password-length=%d", c.id, #pw, e.id, len))
              elseif alpha and n > alpha then
                units:add("a", "FAIL", string.format("%s: %d distinct symbols, more than "
                    .. "password-alphabet=%d of %s", c.id, n, alpha, e.id))
              end
            end
          end
        end
      end
    end
    if assay.unit_verdict() == "FAIL" then return units:settle("") end
    local facts = {}
    for _, e in ipairs(list) do
      facts[#facts + 1] = e.id .. ": " .. lib.facts_text(e, { "password-generation",
          "password-length", "password-alphabet" })
    end
    if #list == 0 and not assay.ics.conditions[2] then
      if seen:has("a") then
        units:add("a", "INCONCLUSIVE", "IXIT_MISSING:1-AuthMech/-/factor or password-set-by "
            .. "(5.1-2-1 names the entries): which mechanisms have pre-installed passwords "
            .. "is unknown")
      else
        units:add("a", "PASS", "vacuous: no pre-installed password mechanism in 1-AuthMech "
            .. "and the ICS declares none (condition 2)")
      end
      return units:settle("vacuous: no pre-installed password mechanism")
    end
    return lib.manual(units, { "a" }, #facts > 0 and table.concat(facts, "; ") or nil)
  end,
}
