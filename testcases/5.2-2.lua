-- Test group 5.2-2: reported vulnerabilities are acted on in a timely
-- manner.
group "5.2-2"

-- Units (TS 103 701): a) the declared action and time frame of each kind
-- of disclosed vulnerability (3-VulnTypes) let it be acted on in time, in
-- the light of the published disclosure policy (2-UserInfo); b) 4-Conf
-- confirms the vulnerability actions.
--
-- a: whether an action and a time frame are timely is a person's call (the
-- standard's notes weigh severity, the parties involved and comparable
-- products): REVIEW_PENDING quoting every entry and the policy.  FAILs
-- first: 3-VulnTypes empty (nothing declared to act on), an entry whose
-- "Action" or "Time Frame" is absent or a placeholder.
-- b: "Confirmation of Vulnerability Actions" absent or a placeholder
-- FAILs; otherwise REVIEW_PENDING (whether the text is a confirmation is
-- read, not matched).  Stricter than the text: an empty 3-VulnTypes is a
-- FAIL, where TS 103 701 would have nothing to assess.
testcase {
  id = "5.2-2-1",
  type = "conceptual",
  ixit = { "2-UserInfo", "3-VulnTypes", "4-Conf" },
  purpose = "The declared action and time frame per vulnerability type allow timely handling, and the manufacturer confirms the process.",
  units = {
    a = {
      criterion = "For every declared kind of disclosed vulnerability, the stated action and time frame allow it to be handled in time, given the published disclosure policy.",
      rule = "No 3-VulnTypes entry, or an Action or Time Frame absent or a placeholder, FAILs; whether they are timely is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "The manufacturer confirms that the vulnerability actions are carried out as described.",
      rule = "4-Conf \"Confirmation of Vulnerability Actions\" absent or a placeholder FAILs; otherwise a person reads it.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local types = lib.entries("3-VulnTypes")
    if #types == 0 then
      units:add("a", "FAIL", "3-VulnTypes is empty: no action or time frame is declared for "
          .. "any kind of vulnerability")
    else
      local quoted = {}
      for _, e in ipairs(types) do
        lib.require_text(units, "a", "3-VulnTypes", e, { "Action", "Time Frame" })
        quoted[#quoted + 1] = lib.quote_fields(e, { "vulnerability type/description",
            "Action", "Time Frame" }, 100)
      end
      if assay.unit_verdict("a") == nil then
        local policy
        for _, e in ipairs(lib.entries("2-UserInfo")) do
          policy = policy or lib.field(e, "Publication of Vulnerability Disclosure Policy")
        end
        lib.review(units, "a", "judge whether each action and time frame lets the "
            .. "vulnerability be acted on in time (severity, parties involved, comparable "
            .. "products): " .. table.concat(quoted, "; ") .. "; disclosure policy "
            .. (policy and lib.quote(policy, 120) or "(not declared)"))
      end
    end
    lib.confirmation(units, "b", "Confirmation of Vulnerability Actions")
    return units:settle("vulnerability actions judged timely and confirmed")
  end,
}
