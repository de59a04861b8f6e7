-- Test group 6-6 (EN 303 645 V3.1.3): personal data stored, processed or passed to
-- associated services is limited to what its purpose needs, and deleted
-- once no longer needed.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- it is new in V3.1.3 (no V2.1.1 predecessor; V2.1.1's 6-4 asked the like of telemetry only), and TS 103 701 V1.1.1
-- covers V2.1.1 only.  Assay wrote this test case from the V3.1.3
-- provision summary (spec/en303645_v3.1.3_provisions.csv) and the
-- 21-PersData field TS 103 701 reads for personal data processing
-- ("Processing Activities": what is processed, where it is stored, by
-- which services).  No IXIT fact exists for it, so a person decides.  The
-- report marks it Assay-defined.
group "6-6"

local ITEM, PROC, DESC = "21-PersData", "Processing Activities", "personal data item/description"

-- 6-6-1 a, per 21-PersData entry: "Processing Activities" absent or a
-- placeholder -> FAIL (nothing describes the processing to judge);
-- otherwise a person judges from the quoted text whether the processing is limited to what its stated purpose needs and says when the data is deleted.  21-PersData
-- empty: a person confirms the device processes no personal data (then
-- the ICS declares 6-6 N/A: feature z absent).
testcase {
  id = "6-6-1",
  type = "conceptual",
  ixit = { ITEM },
  purpose = "Personal data is limited to what its purpose needs and deleted once no longer needed.",
  units = {
    a = {
      criterion = "Each kind of personal data the device stores, processes or passes on is kept to what its purpose requires and is erased once that purpose no longer needs it.",
      rule = "Processing Activities absent or a placeholder FAILs; otherwise a person's call; no personal data declared: a person confirms.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = lib.entries(ITEM)
    if #list == 0 then
      lib.review(units, "a", "21-PersData declares no personal data: confirm the device and its "
          .. "services process none (then 6-6 is N/A in the ICS: feature z absent)")
    end
    for _, p in ipairs(list) do
      local text = lib.field(p, PROC)
      if lib.is_placeholder(text) then
        units:add("a", "FAIL", p.id .. ": \"" .. PROC .. "\" " .. (text and lib.quote(text, 40)
            or "absent") .. ": the processing of this personal data is not described",
            text and lib.TEXT or lib.FACTS)
      else
        lib.review(units, "a", p.id .. ": judge whether the processing is limited to what its stated purpose needs and says when the data is deleted: "
            .. lib.quote_fields(p, { DESC, PROC }, 240))
      end
    end
    return units:settle(#list .. " kind(s) of personal data reviewed")
  end,
}
