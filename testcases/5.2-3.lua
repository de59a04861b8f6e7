-- Test group 5.2-3: vulnerabilities are monitored for, identified and
-- rectified during the support period.
group "5.2-3"

local ITEM = "5-VulnMon"
local METHODS = {
  a = { field = "monitoring method",
        what = "gathers information on vulnerabilities that can affect the device, continuously and systematically" },
  b = { field = "identification method",
        what = "decides whether and how a vulnerability affects the device" },
  c = { field = "rectification method",
        what = "addresses and mitigates the device's exposure to a vulnerability" },
}

-- Units (TS 103 701): a) the monitoring, b) the identifying and c) the
-- rectifying of vulnerabilities described in 5-VulnMon are suited to their
-- purpose; d) 4-Conf confirms the monitoring.
--
-- a-c: suitability is a person's call: REVIEW_PENDING quoting the method
-- of every entry.  FAILs first: 5-VulnMon empty (no method described), the
-- unit's method absent or a placeholder in an entry.  d: "Confirmation of
-- Vulnerability Monitoring" absent or a placeholder FAILs, otherwise
-- REVIEW_PENDING.  As strict as the text: an empty item is what TS 103 701
-- would FAIL as "not suited".
testcase {
  id = "5.2-3-1",
  type = "conceptual",
  ixit = { "4-Conf", "5-VulnMon" },
  purpose = "The declared ways of monitoring, identifying and rectifying vulnerabilities are suitable and confirmed by the manufacturer.",
  units = {
    a = {
      criterion = "The documented monitoring gathers information on vulnerabilities that may affect the device continuously and systematically.",
      rule = "No 5-VulnMon entry or a monitoring method absent or a placeholder FAILs; suitability is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "The documented identification method establishes whether and how a vulnerability affects the device.",
      rule = "No 5-VulnMon entry or an identification method absent or a placeholder FAILs; suitability is a person's call.",
      decided = "assessor",
    },
    c = {
      criterion = "The documented rectification method removes or mitigates the device's exposure to a vulnerability.",
      rule = "No 5-VulnMon entry or a rectification method absent or a placeholder FAILs; suitability is a person's call.",
      decided = "assessor",
    },
    d = {
      criterion = "The manufacturer confirms that vulnerability monitoring is carried out as described.",
      rule = "4-Conf \"Confirmation of Vulnerability Monitoring\" absent or a placeholder FAILs; otherwise a person reads it.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mons = lib.entries(ITEM)
    for _, l in ipairs({ "a", "b", "c" }) do
      local m = METHODS[l]
      if #mons == 0 then
        units:add(l, "FAIL", ITEM .. " is empty: no " .. m.field .. " described")
      else
        local quoted = {}
        for _, e in ipairs(mons) do
          lib.require_text(units, l, ITEM, e, { m.field })
          quoted[#quoted + 1] = lib.quote_fields(e, { m.field }, 200)
        end
        if assay.unit_verdict(l) == nil then
          lib.review(units, l, "judge whether the " .. m.field .. " " .. m.what .. ": "
              .. table.concat(quoted, "; "))
        end
      end
    end
    lib.confirmation(units, "d", "Confirmation of Vulnerability Monitoring")
    return units:settle("vulnerability monitoring judged suitable and confirmed")
  end,
}
