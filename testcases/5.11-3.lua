-- Test group 5.11-3: users get clear instructions on deleting their
-- personal data.
group "5.11-3"

-- The "Documentation of Deletion" of 2-UserInfo: list of {e, text, url}.
local function deletion_docs()
  local out = {}
  for _, e in ipairs(lib.entries("2-UserInfo")) do
    local d = lib.field(e, "Documentation of Deletion")
    if d then out[#out + 1] = { e = e, text = d, url = lib.url(d) } end
  end
  return out
end

-- Units a, b, c (TS 103 701): the lab creates typical personal data (a),
-- checks the user documentation covers every deletion function in
-- 25-DelFunc (b), and performs each function following that
-- documentation, judging whether it is concise and complete (c).
--
-- Rules.  a: for each function with a machine form in 25-DelFunc
-- (delete-path on an HTTP(S) delete-service, data-create-path/-body,
-- data-check-path; docs/facts.md) Assay stores a random marker datum with
-- the lab credential and reads it back at every data-check-path: PASS for
-- that function when it is seen, INCONCLUSIVE naming the cause when the
-- creation is refused, unanswered or the datum is seen nowhere (a check
-- path answering 404 included); every other function waits for a
-- person's observation.  b: no 25-DelFunc entry while the ICS says 5.11-3
-- applies FAILs (nothing to document); "Documentation of Deletion" absent
-- or a placeholder FAILs; a documentation page on the device that answers
-- 404/410 FAILs (probe); otherwise which functions it covers is a
-- person's reading (REVIEW_PENDING naming the functions and the page).
-- c: after a, Assay performs each such function as 25-DelFunc declares it
-- (lib.deletion_perform, the run of 5.11-1-2) and looks for the marker at
-- every data-check-path and on the service's page: the deletion accepted
-- and the marker still served FAILs, with where; the lab login must still
-- work afterwards (LAB ACCESS LOST otherwise, INCONCLUSIVE).  A marker
-- seen gone is never a PASS of c: whether the documentation's steps are
-- concise and none is missing is judged, not matched, so c always waits
-- for the person (told what Assay saw).
--
-- Looser than the text: a is one representative datum per declared
-- creation path, not a whole usage history of the device and its
-- services; Assay performs the function's declared machine form, not the
-- documentation's own steps, and never reads the documentation for
-- coverage itself (no keyword decides).  Stricter: an unreachable
-- on-device page FAILs b before any reading, and c FAILs when the
-- declared function leaves the datum, whatever further step the
-- documentation might add.  A refused deletion request leaves c
-- INCONCLUSIVE (5.11-1-2 b judges the refusal).
--
-- Deleting user data changes the device under test: never beside the
-- credential test cases, the client-side ones or another deletion.
testcase {
  id = "5.11-3-1",
  type = "functional",
  ixit = { "2-UserInfo", "21-PersData", "25-DelFunc" },
  purpose = "The user documentation covers every deletion function with concise, complete steps.",
  exclusive = { "credentials", "gateway", "deletion" },   -- erases user data on the device
  units = {
    a = {
      criterion = "The lab creates typical personal data on the device and its associated services before following the documentation.",
      rule = "Declared data-create-path: PASS iff a random marker datum is accepted and then seen at a data-check-path; otherwise a person's.",
      observation = "create-personal-data",
      observe = "Create typical personal data on the device and in the associated services (account, recordings, settings), guided by 21-PersData Processing Activities.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "The documentation of deletion for users covers every deletion function the IXIT lists.",
      rule = "No deletion function, no documentation (absent or a placeholder) or an on-device page answering 404/410 FAILs; coverage is a person's reading.",
      decided = "assessor",
      reach = "network",
    },
    c = {
      criterion = "Following the documentation for each deletion function deletes the personal data, with steps that are concise and none missing.",
      rule = "Declared machine form: the deletion accepted and the marker still served FAILs; whether the steps are concise and complete is a person's observation.",
      observation = "follow-deletion-docs",
      observe = "Perform each deletion function exactly as the documentation of deletion says; note missing, wrong or needlessly long steps and whether the data is gone.",
      decided = "observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local funcs = lib.entries("25-DelFunc")
    local ids = {}
    for _, e in ipairs(funcs) do ids[#ids + 1] = e.id end
    if #funcs == 0 then
      units:add("b", "FAIL", "the ICS says 5.11-3 applies but 25-DelFunc declares no deletion "
          .. "function: there is nothing the documentation could cover")
    end
    local docs, usable = deletion_docs(), {}
    local http = lib.probe("http_request")
    for _, d in ipairs(docs) do
      if lib.is_placeholder(d.text) then
        units:add("b", "FAIL", d.e.id .. ": \"Documentation of Deletion\" is a placeholder "
            .. lib.quote(d.text), lib.TEXT)
      elseif d.url and http and lib.on_device(d.url) and lib.is_http_url(d.url) then
        local r, err = http({ url = d.url, max_read = 65536, follow = 0 })
        local how = lib.probed("http_request", d.url)
        if r and (r.status == 404 or r.status == 410) then
          units:add("b", "FAIL", d.e.id .. ": the documentation of deletion " .. d.url
              .. " answers HTTP " .. r.status, how)
        elseif not r then
          units:add("b", "INCONCLUSIVE", d.e.id .. ": the documentation of deletion " .. d.url
              .. " did not answer: " .. lib.clip(tostring(err), 120), how)
        else
          usable[#usable + 1] = d.e.id .. ": " .. d.url .. " (HTTP " .. r.status .. ")"
        end
      else
        usable[#usable + 1] = d.e.id .. ": " .. lib.quote(d.text, 200)
      end
    end
    if #docs == 0 then
      units:add("b", "FAIL", "2-UserInfo has no \"Documentation of Deletion\": the user is "
          .. "not told how to delete personal data")
    elseif #usable > 0 and #funcs > 0 then
      lib.review(units, "b", "read " .. table.concat(usable, "; ") .. " and judge whether it "
          .. "covers each deletion function: " .. lib.join(ids))
    end
    -- a and c: the marker datum, the deletion as declared, the marker gone.
    local done = {}
    if #funcs > 0 then
      done = lib.deletion_perform(units, funcs, { judged = true,
          map = { create = "a", invoke = false, gone = "c" },
          how = lib.probed("http_request", "marker create, deletion, look-ups") })
    end
    lib.manual(units, { "a", "c" }, #funcs > 0 and ("functions " .. lib.join(ids)) or nil)
    return units:settle("documentation read for " .. lib.join(ids)
        .. (#done > 0 and ("; performed by Assay: " .. lib.join(done)) or ""))
  end,
}
