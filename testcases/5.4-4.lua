-- Test group 5.4-4: critical security parameters used for update checks
-- and for talking to associated services are unique per device and made
-- by a mechanism that resists attacks on a whole class of devices.
group "5.4-4"

local ITEM = "10-SecParam"

-- What structurally ties entry e to updates or associated services: a
-- reference to a 7-UpdMech entry, or to an 11-ComMech channel that carries
-- updates, is outbound or is reachable remotely.  A hint for the question,
-- never a PASS.
local function ties(e)
  local out = {}
  for _, r in ipairs(e.refs or {}) do
    if r.item == "7-UpdMech" then out[#out + 1] = "7-UpdMech/" .. tostring(r.entry)
    elseif r.item == "11-ComMech" then
      for _, c in ipairs(lib.entries("11-ComMech")) do
        if c.id == r.entry and (lib.fact_has(c, "carries", "updates") or lib.is_outbound(c)
            or lib.fact(c, "remote") == true) then
          out[#out + 1] = "11-ComMech/" .. c.id
        end
      end
    end
  end
  return out
end

-- Units (TS 103 701): a) each critical parameter whose description shows
-- it serves update checks or back-end communication is documented as such
-- in its generation mechanism; b) each critical parameter's generation
-- mechanism makes it unique per device and resists automated attacks on
-- classes of devices.
--
-- Rules (over the entries with type=critical; type absent ->
-- IXIT_MISSING).  a: "Generation Mechanism" absent or a placeholder FAILs
-- (nothing documented); otherwise REVIEW_PENDING quoting the Description
-- and the mechanism, naming the update or service channels the entry
-- refers to.  b: unique-per-device=false FAILs (one value on every device:
-- the class-wide attack the provision rules out); the fact absent ->
-- IXIT_MISSING; "Generation Mechanism" absent or a placeholder FAILs; with
-- unique-per-device=true the adequacy of the mechanism (entropy source,
-- standardised generator, NOTE 1-3) is the assessor's call
-- (REVIEW_PENDING), never PASS on wording.  No critical parameter at all
-- -> REVIEW_PENDING asking whether any protects updates or back-end
-- traffic (none declared is possible: TLS that only authenticates the
-- server needs no device secret); an empty 10-SecParam -> IXIT_MISSING.
testcase {
  id = "5.4-4-1",
  type = "conceptual",
  ixit = { "10-SecParam" },
  purpose = "Critical parameters for update checks and back-end communication are unique per device and generated to resist class-wide attacks.",
  units = {
    a = {
      criterion = "Critical parameters described as serving update integrity checks or back-end communication are documented as such in their generation mechanism.",
      rule = "An absent or placeholder Generation Mechanism FAILs; whether it documents the update or back-end use is the assessor's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Each critical parameter is generated unique per device by a mechanism that lowers the risk of automated attacks on a whole class of devices.",
      rule = "unique-per-device=false FAILs; an absent or placeholder Generation Mechanism FAILs; with unique-per-device=true the mechanism's adequacy is the assessor's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = lib.entries(ITEM)
    if #list == 0 then
      return units:stop("INCONCLUSIVE", lib.missing(ITEM, nil, "Generation Mechanism")
          .. ": no security parameter declared")
    end
    local crit = {}
    for _, e in ipairs(list) do
      local t = lib.fact(e, "type")
      if t == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "type"))
        units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, "type"))
      elseif t == "critical" then
        crit[#crit + 1] = e
      end
    end
    for _, e in ipairs(crit) do
      local g, d = lib.field(e, "Generation Mechanism"), lib.field(e, "Description")
      local absent = g == nil or lib.is_placeholder(g)
      local gtext = g and ("is a placeholder " .. lib.quote(g, 40)) or "absent"
      if absent then
        units:add("a", "FAIL", e.id .. " (critical): \"Generation Mechanism\" " .. gtext,
            g and lib.TEXT or nil)
      else
        local t = ties(e)
        lib.review(units, "a", e.id .. ": judge whether the Description " .. lib.quote(d
            or "(absent)", 160) .. " shows a use for update checks or back-end communication"
            .. (#t > 0 and (" (it refers to " .. lib.join(t) .. ")") or "")
            .. " and, if so, whether the Generation Mechanism " .. lib.quote(g, 160)
            .. " documents that use")
      end
      local u = lib.fact(e, "unique-per-device")
      if u == false then
        units:add("b", "FAIL", e.id .. ": type=critical unique-per-device=false: the same "
            .. "value on every device (rule: a critical parameter must be unique per device)")
      elseif u == nil then
        units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, "unique-per-device"))
      end
      if absent then
        units:add("b", "FAIL", e.id .. " (critical): \"Generation Mechanism\" " .. gtext
            .. ": no generation declared", g and lib.TEXT or nil)
      elseif u == true then
        lib.review(units, "b", e.id .. " (unique-per-device=true): judge whether the "
            .. "Generation Mechanism " .. lib.quote(g, 200) .. " makes it unique per device "
            .. "from a source of enough entropy (a certified or standardised generator) so "
            .. "that automated attacks on the whole class of devices fail")
      end
    end
    if #crit == 0 and not units:has("a") then
      return units:stop("INCONCLUSIVE", "REVIEW_PENDING: no critical parameter in 10-SecParam ("
          .. #list .. " entries): check that none protects update checks or back-end "
          .. "communication", lib.PERSON)
    end
    return units:settle("critical parameters unique per device")
  end,
}
