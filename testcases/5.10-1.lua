-- Test group 5.10-1: collected telemetry is examined for security
-- anomalies.
group "5.10-1"

local ITEM = "24-TelData"
local EXAM = "Security Examination"

-- Units (TS 103 701): a) 24-TelData provides at least one "Security
-- Examination" that examines telemetry for security anomalies; b) for
-- each, the telemetry its "Description" names suits that examination.
--
-- The test case runs only when condition 6 (telemetry is collected) holds
-- and the ICS claims 5.10-1.  24-TelData empty -> FAIL both (telemetry is
-- collected, none is described: the IXIT is incomplete).
-- a) no entry with a "Security Examination" other than empty or a
--    placeholder ("none", "TBD" ...) -> FAIL (text); otherwise
--    REVIEW_PENDING quoting the declared examinations: whether a text
--    describes an examination for security anomalies is a person's call
--    (free text never PASSes: "we do not examine telemetry" is not a
--    placeholder).
-- b) per entry with an examination: an empty or placeholder "Description"
--    FAILs (nothing says what data is examined); otherwise REVIEW_PENDING
--    quoting both.  No examination declared -> b not examined
--    (INCONCLUSIVE; a already FAILs).
testcase {
  id = "5.10-1-1",
  type = "conceptual",
  ixit = { "24-TelData" },
  purpose = "At least one examination of telemetry for security anomalies exists and the telemetry suits it.",
  units = {
    a = {
      criterion = "The telemetry declaration describes at least one way in which the collected telemetry is examined for security anomalies.",
      rule = "No Security Examination beyond empty or placeholder text FAILs; whether the text is such an examination is the assessor's call.",
      decided = "assessor",
    },
    b = {
      criterion = "For each declared examination, the telemetry described is fit for that examination and for finding security anomalies.",
      rule = "An examination whose telemetry Description is empty or a placeholder FAILs; fitness is the assessor's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      return units:stop("FAIL", "24-TelData describes no telemetry although condition 6 "
          .. "(telemetry is collected) holds: the IXIT is incomplete")
    end
    local exams, empty = {}, {}
    for _, e in ipairs(entries) do
      local x = lib.field(e, EXAM)
      if lib.is_placeholder(x) then
        empty[#empty + 1] = e.id .. " " .. (x and lib.quote(x, 40) or "(absent)")
      else
        exams[#exams + 1] = e
      end
    end
    if #exams == 0 then
      units:add("a", "FAIL", "no telemetry entry declares a security examination ("
          .. EXAM .. ": " .. lib.join(empty) .. ")", lib.TEXT)
      units:add("b", "INCONCLUSIVE", "not examined: no security examination is declared "
          .. "(unit a)")
      return units:settle("")
    end
    local quoted = {}
    for _, e in ipairs(exams) do
      quoted[#quoted + 1] = e.id .. " " .. lib.quote(lib.field(e, EXAM), 200)
      if lib.require_text(units, "b", ITEM, e, { "Description" },
          ": nothing says which telemetry is examined") then
        lib.review(units, "b", lib.quote_fields(e, { "Description", "Purpose", EXAM }, 200)
            .. ": judge whether this telemetry suits the examination and can reveal "
            .. "security anomalies")
      end
    end
    lib.review(units, "a", "judge whether at least one of these examines the telemetry for "
        .. "security anomalies: " .. table.concat(quoted, "; "))
    return units:settle(#exams .. " security examination(s) of telemetry")
  end,
}
