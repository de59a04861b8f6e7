-- Test group 5.3-8: security updates are deployed in a timely manner.
group "5.3-8"

-- Units (TS 103 701): a) the description and time frame of each security
-- update procedure (8-UpdProc) allow timely deployment; b) 4-Conf confirms
-- the update procedures.
--
-- a: timeliness is a person's call (severity, parties, comparable
-- products): REVIEW_PENDING quoting every procedure.  FAILs first:
-- 8-UpdProc empty (condition 12 holds, so security updates are produced
-- and a procedure must exist), a "Description" or "Time Frame" absent or a
-- placeholder.  b: as 5.2-2-1 b for "Confirmation of Update Procedures".
testcase {
  id = "5.3-8-1",
  type = "conceptual",
  ixit = { "4-Conf", "8-UpdProc" },
  purpose = "The declared security-update procedures and time frames allow timely deployment, and the manufacturer confirms them.",
  units = {
    a = {
      criterion = "Each declared procedure for security updates, by its description and time frame, gets updates deployed in time.",
      rule = "No 8-UpdProc entry, or a Description or Time Frame absent or a placeholder, FAILs; whether they are timely is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "The manufacturer confirms that the update procedures are carried out as described.",
      rule = "4-Conf \"Confirmation of Update Procedures\" absent or a placeholder FAILs; otherwise a person reads it.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local procs = lib.entries("8-UpdProc")
    if #procs == 0 then
      units:add("a", "FAIL", "8-UpdProc is empty: no procedure for deploying security updates "
          .. "is declared")
    else
      local quoted = {}
      for _, e in ipairs(procs) do
        lib.require_text(units, "a", "8-UpdProc", e, { "Description", "Time Frame" })
        quoted[#quoted + 1] = lib.quote_fields(e, { "Description", "Time Frame" }, 160)
      end
      if assay.unit_verdict("a") == nil then
        lib.review(units, "a", "judge whether each procedure deploys security updates in "
            .. "time (severity, parties involved, comparable products): "
            .. table.concat(quoted, "; "))
      end
    end
    lib.confirmation(units, "b", "Confirmation of Update Procedures")
    return units:settle("update procedures judged timely and confirmed")
  end,
}
