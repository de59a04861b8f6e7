-- Test group 5.11-2: personal data can be removed from associated
-- services simply, from the device.
group "5.11-2"

-- Units a, b (TS 103 701): at least one simple function removes the
-- personal data the associated services hold (a), and together the
-- functions cover every associated service that stores personal data
-- according to 21-PersData "Processing Activities" (b).
--
-- Rules.  No 25-DelFunc entry with target=service while the ICS says
-- 5.11-2 applies: a and b FAIL.  a: "Initiation and Interaction" absent
-- or a placeholder on every such function FAILs (text); b: a function
-- whose `erases` leaves out personal-data FAILs (it removes no personal
-- data).  Otherwise both are a person's call (REVIEW_PENDING quoting the
-- functions and the processing activities): which services hold personal
-- data is free text in 21-PersData.
--
-- Looser than the text: nothing structured says which associated
-- services store personal data, so coverage is never decided by Assay.
testcase {
  id = "5.11-2-1",
  type = "conceptual",
  ixit = { "21-PersData", "25-DelFunc" },
  purpose = "Simple functions remove the personal data that every associated service holds.",
  units = {
    a = {
      criterion = "At least one function a non-technical user can perform removes all personal data held by the associated services.",
      rule = "No target=service function, or only placeholder initiation texts, FAILs; simplicity and completeness are a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Every associated service that stores personal data, by the declared processing activities, is covered by some removal function.",
      rule = "No target=service function, or one whose erases omits personal-data, FAILs; coverage is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local funcs = lib.deletion_functions(units, "a", "service")
    if #funcs == 0 then
      if units:has("a") then return units:stop("INCONCLUSIVE", "no 25-DelFunc entry with "
          .. "target=service; entries without target are listed in unit a") end
      return units:stop("FAIL", "the ICS says 5.11-2 applies but 25-DelFunc declares no "
          .. "function with target=service: nothing removes personal data from the "
          .. "associated services")
    end
    local ids, quotes, usable = {}, {}, 0
    for _, e in ipairs(funcs) do
      ids[#ids + 1] = e.id
      quotes[#quotes + 1] = lib.quote_fields(e, { "Description", "Initiation and Interaction",
          "Target Type" }, 160)
      local ini = lib.field(e, "Initiation and Interaction")
      if ini and not lib.is_placeholder(ini) then usable = usable + 1 end
      local er = lib.fact_list(e, "erases")
      if er and not lib.fact_has(e, "erases", "personal-data") then
        units:add("b", "FAIL", e.id .. ": erases=" .. table.concat(er, " ") .. " leaves out "
            .. "personal-data: it removes no personal data from the service")
      end
    end
    if usable == 0 then
      units:add("a", "FAIL", "no removal function says how the user starts it (\"Initiation "
          .. "and Interaction\" absent or a placeholder: " .. lib.join(ids) .. ")", lib.TEXT)
    else
      lib.review(units, "a", "judge whether a user with limited technical knowledge can "
          .. "remove all personal data held by the associated services with "
          .. table.concat(quotes, "; "))
    end
    local acts = {}
    for _, e in ipairs(lib.entries("21-PersData")) do
      acts[#acts + 1] = e.id .. ": " .. (lib.field(e, "Processing Activities")
          and lib.quote(lib.field(e, "Processing Activities"), 160) or "(no Processing Activities)")
    end
    if not units:has("b") then
      lib.review(units, "b", "judge whether every associated service storing personal data "
          .. "(21-PersData: " .. (#acts > 0 and table.concat(acts, "; ") or "none declared")
          .. ") is covered by " .. lib.join(ids))
    end
    return units:settle("removal functions " .. lib.join(ids))
  end,
}

-- Units a, b, c (TS 103 701): the lab creates personal data on the
-- associated services (a), performs each removal function and checks its
-- interaction against the IXIT (b), and checks the data is gone from the
-- services (c).
--
-- The associated services are outside the lab's control (TS 103 701
-- 4.2.1): Assay acts only where 25-DelFunc gives a removal function a
-- machine form on the device (delete-path, and for a and c
-- data-create-*/data-check-path that show the service's data through the
-- device): then exactly as 5.11-1-2 (lib.deletion_perform).  Everything
-- else (an app's menu, the cloud account) is a person's observation.
-- No target=service function while the ICS says 5.11-2 applies: FAIL.
-- Looser than the text: what the device shows of a service's data is
-- taken as the service's data (Assay cannot query the service itself);
-- stricter: the marker must be gone from every declared view, and the
-- lab's login must still work afterwards (LAB ACCESS LOST otherwise).
testcase {
  id = "5.11-2-2",
  type = "functional",
  ixit = { "21-PersData", "25-DelFunc" },
  purpose = "Performing each removal function deletes the personal data the lab created on the associated services.",
  exclusive = { "credentials", "gateway", "deletion" },   -- may erase user data
  units = {
    a = {
      criterion = "The lab creates typical personal data on the associated services as a user of the device would.",
      rule = "A device-side data-create-path: PASS iff the marker is accepted and seen; otherwise a person's.",
      observation = "create-service-data",
      observe = "Create typical personal data in the associated services (account, recordings, settings in the app or cloud) and note where it shows.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "Each function removing personal data from associated services is started and behaves as the IXIT describes.",
      rule = "A declared delete-path: PASS iff the request with the lab credential is answered 2xx, FAIL when refused; otherwise a person's.",
      observation = "perform-service-removal",
      observe = "Perform each removal function as Initiation and Interaction describes and note any step that differs.",
      decided = "automatic+observation",
      reach = "network",
    },
    c = {
      criterion = "After each removal function the personal data created before no longer exists on the associated services.",
      rule = "A declared data-check-path: FAIL iff the marker is still shown, PASS iff nowhere; otherwise a person's (account access, notices, logs).",
      observation = "service-data-after-removal",
      observe = "After each removal, query the services (log in to the account, open the app) and note any personal data that remains or any notice of completion.",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("http_request", "marker create, removal, look-ups"))
    local funcs = lib.deletion_functions(lib.ignored_units(), nil, "service")
    if #funcs == 0 then
      return units:stop("FAIL", "the ICS says 5.11-2 applies but 25-DelFunc declares no "
          .. "function with target=service: nothing to perform", lib.FACTS)
    end
    local done = lib.deletion_perform(units, funcs)
    return units:settle("performed and checked by Assay: " .. lib.join(done))
  end,
}
