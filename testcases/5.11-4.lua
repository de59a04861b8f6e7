-- Test group 5.11-4: users get a clear confirmation that personal data
-- was deleted.
group "5.11-4"

-- Units a, b (TS 103 701): the lab performs each deletion function of
-- 25-DelFunc as documented (a) and checks the user gets a clear
-- confirmation that the data was deleted (b).
--
-- Automatic for a function with a machine form (delete-path on an
-- HTTP(S) delete-service, delete-confirmation; docs/facts.md): Assay runs
-- it as 5.11-1-2 does (lib.deletion_run: a marker datum first where
-- data-create-* is declared) and reads the answer.  a PASSes on a 2xx
-- answer, FAILs when the lab's request is refused.  b FAILs when the
-- answer lacks the declared confirmation, or confirms while the marker is
-- still served (a confirmation that is false is no confirmation);
-- PASSes when it states the declared text:MESSAGE and the marker is seen
-- gone; a status:NNN confirmation is no message a user reads, so a person
-- looks at what the user is shown.  No delete-confirmation declared:
-- IXIT_MISSING.
--
-- Looser than the text: Assay follows the IXIT's machine form, not the
-- user documentation (2-UserInfo "Documentation of Deletion"; 5.11-3-1),
-- and takes the declared message as clear; its wording is shown in the
-- reason for the assessor.  Functions without delete-path (an app, a
-- button, a cloud account) wait for a person.
testcase {
  id = "5.11-4-1",
  type = "functional",
  ixit = { "2-UserInfo", "25-DelFunc" },
  purpose = "After each deletion function the user gets a clear confirmation that the data was deleted.",
  exclusive = { "credentials", "gateway", "deletion" },   -- erases user data on the device
  units = {
    a = {
      criterion = "The lab performs every deletion function the IXIT lists, the way the user documentation describes.",
      rule = "Declared delete-path: PASS iff the lab's request is answered 2xx, FAIL when refused; otherwise a person's.",
      observation = "perform-deletion-as-documented",
      observe = "Perform each deletion function following the documentation of deletion.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "For every deletion function the user is told plainly and positively that the data concerned has been deleted.",
      rule = "Declared text confirmation: PASS iff shown and the marker is gone; missing, or shown while the marker remains, FAILs; status-only or undeclared functions a person's.",
      observation = "deletion-confirmation",
      observe = "After each deletion, note the message, screen or e-mail the user gets and whether it clearly says the data was deleted.",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("http_request", "deletion, look-ups"))
    local funcs = lib.entries("25-DelFunc")
    if #funcs == 0 then
      return units:stop("FAIL", "the ICS says 5.11-4 applies but 25-DelFunc declares no "
          .. "deletion function: nothing to confirm", lib.FACTS)
    end
    local manual, done = {}, {}
    local decl = {}
    for _, u in ipairs(assay.testcase.units) do decl[u.letter] = u end
    for _, e in ipairs(funcs) do
      local i, why = lib.deletion_iface(e)
      if i == nil then
        manual[#manual + 1] = e.id .. (why and (" (" .. why .. ")") or " (no delete-path)")
      else
        local out, lost = lib.deletion_run(i)
        units:add("a", out.invoke[1], out.invoke[2])
        if out.confirm[1] == "MANUAL" then
          units:add("b", "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. decl.b.observation .. ": "
              .. decl.b.observe .. " (" .. out.confirm[2] .. ")", lib.PERSON)
        else
          units:add("b", out.confirm[1], out.confirm[2])
        end
        if lost then units:add("a", "INCONCLUSIVE", lost) end
        done[#done + 1] = e.id
      end
    end
    if #manual > 0 then
      for _, l in ipairs({ "a", "b" }) do
        units:add(l, "INCONCLUSIVE", "MANUAL_STEP_PENDING: " .. decl[l].observation .. ": "
            .. decl[l].observe .. " (functions " .. lib.join(manual) .. ")", lib.PERSON)
      end
    end
    return units:settle("performed by Assay with the declared confirmation: " .. lib.join(done))
  end,
}
