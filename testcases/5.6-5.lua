-- Test group 5.6-5: only the software services the device's intended use
-- or operation needs are enabled.
group "5.6-5"

local ITEM = "13-SoftServ"

-- 5.6-5-1 a: for each 13-SoftServ entry enabled by default, whether the
-- service is needed for the intended use, judged from its purpose
-- ("Description") and "Justification".
--
-- Rules: `status` absent -> IXIT_MISSING (whether it is enabled is
-- unknown); status=disabled -> not in scope; enabled with an empty or
-- placeholder "Description" -> FAIL (no purpose, so nothing can show it is
-- needed); enabled otherwise -> REVIEW_PENDING quoting purpose and
-- justification (a missing "Justification" is named in the question: the
-- purpose alone may show the need).  Cross-checks, cheap and on facts: a
-- 15-Intf interface with exposure=not-required that refers to the same
-- service as an enabled entry is named in the question; a declared service
-- that no 13-SoftServ entry refers to is IXIT_MISSING (a service that
-- listens is a software service whose need nobody has stated).  13-SoftServ
-- empty while services are declared -> FAIL (the IXIT is incomplete);
-- empty without any service -> IXIT_MISSING (no device runs nothing).
-- Stricter than the text on the incomplete item and the unreferenced
-- services; the judgement of need is the assessor's, as in the text.
testcase {
  id = "5.6-5-1",
  type = "conceptual",
  ixit = { "13-SoftServ", "15-Intf" },
  purpose = "Every software service enabled by default is needed for the device's intended use or operation.",
  units = {
    a = {
      criterion = "Each service that is on by default is shown, by its stated purpose and justification, to be needed for what the device is meant to do.",
      rule = "Enabled with no stated purpose FAILs; a declared service no entry covers or a missing status is IXIT_MISSING; whether the need is shown is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      if #assay.ixit.services > 0 then
        units:add("a", "FAIL", "13-SoftServ declares no software service while "
            .. #assay.ixit.services .. " service(s) are declared: the IXIT is incomplete")
      else
        units:add("a", "INCONCLUSIVE", "IXIT_MISSING:13-SoftServ/-/entry (no software "
            .. "service is declared at all)")
      end
      return units:settle("")
    end
    local covered, n = {}, 0
    for _, e in ipairs(entries) do
      for _, s in ipairs(lib.services(e)) do covered[s.id] = true end
      local status = lib.fact(e, "status")
      if status == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "status"))
      elseif status == "enabled" then
        n = n + 1
        local desc, just = lib.field(e, "Description"), lib.field(e, "Justification")
        if lib.is_placeholder(desc) then
          units:add("a", "FAIL", e.id .. ": enabled by default with no purpose given "
              .. "(\"Description\" " .. (desc and lib.quote(desc, 40) or "absent") .. ")",
              desc and lib.TEXT or lib.FACTS)
        else
          local notes = {}
          if lib.is_placeholder(just) then
            notes[#notes + 1] = "no \"Justification\" is given"
                .. (just and (" (" .. lib.quote(just, 40) .. ")") or "")
          end
          for _, s in ipairs(lib.services(e)) do
            for _, i in ipairs(lib.entries_for_service("15-Intf", s.id)) do
              if lib.fact(i, "exposure") == "not-required" then
                notes[#notes + 1] = "15-Intf/" .. i.id .. " declares its interface "
                    .. "exposure=not-required"
              end
            end
          end
          lib.review(units, "a", e.id .. ": judge whether the service is needed for the "
              .. "device's intended use: purpose " .. lib.quote(desc, 200)
              .. (lib.is_placeholder(just) and "" or (", justification " .. lib.quote(just, 200)))
              .. (#notes > 0 and (" (" .. table.concat(notes, "; ") .. ")") or ""))
        end
      end
    end
    for _, s in ipairs(assay.ixit.services) do
      if not covered[s.id] then
        units:add("a", "INCONCLUSIVE", "IXIT_MISSING:13-SoftServ/-/entry for service " .. s.id
            .. " (" .. s.transport .. "/" .. s.port .. "): it is declared but no software "
            .. "service says why it runs")
      end
    end
    if not units:has("a") then
      units:add("a", "PASS", "vacuous: every declared software service is disabled by default")
    end
    return units:settle(n .. " enabled service(s), each needed")
  end,
}
