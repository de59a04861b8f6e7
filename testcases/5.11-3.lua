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
-- Rules.  b: no 25-DelFunc entry while the ICS says 5.11-3 applies FAILs
-- (nothing to document); "Documentation of Deletion" absent or a
-- placeholder FAILs; a documentation page on the device that answers
-- 404/410 FAILs (probe); otherwise which functions it covers is a
-- person's reading (REVIEW_PENDING naming the functions and the page).
-- a and c are a person's: creating data and following written steps is
-- what the unit asks, and a text's conciseness is judged, not matched.
--
-- Looser than the text: Assay never reads the documentation for
-- coverage itself (no keyword decides); stricter: an unreachable on-device
-- page FAILs b before any reading.
testcase {
  id = "5.11-3-1",
  type = "functional",
  ixit = { "2-UserInfo", "21-PersData", "25-DelFunc" },
  purpose = "The user documentation covers every deletion function with concise, complete steps.",
  units = {
    a = {
      criterion = "The lab creates typical personal data on the device and its associated services before following the documentation.",
      observation = "create-personal-data",
      observe = "Create typical personal data on the device and in the associated services (account, recordings, settings), guided by 21-PersData Processing Activities.",
      decided = "observation",
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
    lib.manual(units, { "a", "c" }, #funcs > 0 and ("functions " .. lib.join(ids)) or nil)
    return units:settle("documentation read for " .. lib.join(ids))
  end,
}
