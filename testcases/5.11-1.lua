-- Test group 5.11-1: users can erase user data from the device simply.
group "5.11-1"

local ITEM = "25-DelFunc"

-- The kinds of user data a device's erasure must cover (5.11-1-1 c):
-- personal data, user configuration and user cryptographic material
-- (passwords or keys: either kind satisfies the last).
local KINDS = { "personal-data", "user-configuration" }
local CRYPTO = { "user-credentials", "user-keys" }

-- Quoted "Description" and "Initiation and Interaction" of entry e.
local function how_text(e)
  return lib.quote_fields(e, { "Description", "Initiation and Interaction", "Target Type" }, 160)
end

-- Units a, b, c (TS 103 701): at least one simple function erases user
-- data from the device (a), each is adequate to erase what it targets
-- (b), and together they cover personal data, user configuration and
-- user cryptographic material (c).
--
-- Rules.  No 25-DelFunc entry with target=device while the ICS says
-- 5.11-1 applies: a, b and c FAIL (nothing declared to erase user data;
-- TS 103 701 passes a device that stores no user data, but the ICS then
-- should not claim the provision).  a: every device function's
-- "Initiation and Interaction" absent or a placeholder FAILs (text); else
-- whether a user with limited technical knowledge can perform it is a
-- person's call (REVIEW_PENDING quoting the entries).  b: adequacy of the
-- erasure (overwriting or irreversibly blocking access) is a person's
-- call; a placeholder "Description" FAILs.  c (facts): the union of
-- `erases` over the device functions must hold personal-data,
-- user-configuration and user-credentials or user-keys: PASS iff it does
-- (lib.fact_pass withholds it when the free text beside contradicts);
-- a kind missing FAILs; no entry declaring `erases` -> IXIT_MISSING.
--
-- Looser than the text: c reads the declared kinds, not each 21-PersData
-- and 10-SecParam entry (they are listed in the reason for the record;
-- 5.11-1-2 checks on the device that the data really goes).  Stricter:
-- a missing `target` is IXIT_MISSING, never taken as "device".
testcase {
  id = "5.11-1-1",
  type = "conceptual",
  ixit = { "10-SecParam", "21-PersData", "25-DelFunc" },
  purpose = "A simple, adequate function erases personal data, user configuration and user keys or passwords from the device.",
  units = {
    a = {
      criterion = "The device offers at least one deletion function that a user with little technical knowledge can perform to erase user data from the device.",
      rule = "No target=device function, or only placeholder initiation texts, FAILs; whether it is simple is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Each declared device deletion function is fit to really erase (overwrite or irreversibly block) the user data it targets.",
      rule = "No target=device function or a placeholder description FAILs; adequacy is a person's call.",
      decided = "assessor",
    },
    c = {
      criterion = "Taken together the device deletion functions cover personal data, the user's configuration and user cryptographic material.",
      rule = "PASS iff the erases facts of the target=device functions include personal-data, user-configuration and user-credentials or user-keys; a kind missing FAILs.",
      decided = "facts",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local funcs = lib.deletion_functions(units, "a", "device")
    if #funcs == 0 then
      if units:has("a") then return units:stop("INCONCLUSIVE", "no 25-DelFunc entry with "
          .. "target=device; entries without target are listed in unit a") end
      return units:stop("FAIL", "the ICS says 5.11-1 applies but 25-DelFunc declares no "
          .. "function with target=device: nothing erases user data from the device")
    end
    local ids, usable, quotes = {}, 0, {}
    for _, e in ipairs(funcs) do
      ids[#ids + 1] = e.id
      quotes[#quotes + 1] = how_text(e)
      local ini = lib.field(e, "Initiation and Interaction")
      if ini and not lib.is_placeholder(ini) then usable = usable + 1 end
      local d = lib.field(e, "Description")
      if d == nil or lib.is_placeholder(d) then
        units:add("b", "FAIL", e.id .. ": \"Description\" is " .. (d and "a placeholder "
            .. lib.quote(d) or "absent") .. ": what it erases and how cannot be judged",
            lib.TEXT)
      end
    end
    if usable == 0 then
      units:add("a", "FAIL", "no device deletion function says how the user starts it "
          .. "(\"Initiation and Interaction\" absent or a placeholder: " .. lib.join(ids) .. ")",
          lib.TEXT)
    else
      lib.review(units, "a", "judge whether a user with limited technical knowledge can "
          .. "erase user data from the device with " .. table.concat(quotes, "; "))
    end
    if not units:has("b") then
      lib.review(units, "b", "judge whether each function erases the data it targets "
          .. "(overwritten or irreversibly blocked, not merely hidden): "
          .. table.concat(quotes, "; "))
    end
    -- c: the declared kinds.
    local have, declared = {}, {}
    for _, e in ipairs(funcs) do
      local l = lib.fact_list(e, "erases")
      if l then
        declared[#declared + 1] = e
        for _, k in ipairs(l) do have[k] = true end
      end
    end
    if #declared == 0 then
      units:add("c", "INCONCLUSIVE", "IXIT_MISSING:" .. ITEM .. "/" .. funcs[1].id
          .. "/erases: what the device deletion functions erase")
    else
      local miss = {}
      for _, k in ipairs(KINDS) do
        if not have[k] then miss[#miss + 1] = k end
      end
      if not (have[CRYPTO[1]] or have[CRYPTO[2]]) then
        miss[#miss + 1] = "user cryptographic material (user-credentials or user-keys)"
      end
      local data = {}
      for _, it in ipairs({ "21-PersData", "10-SecParam" }) do
        for _, e in ipairs(lib.entries(it)) do data[#data + 1] = it .. "/" .. e.id end
      end
      if #miss > 0 then
        units:add("c", "FAIL", "the device deletion functions (" .. lib.join(ids)
            .. ") erase " .. lib.join(lib.keys(have)) .. " but not " .. lib.join(miss))
      else
        for _, e in ipairs(declared) do
          lib.fact_pass(units, "c", e, { "Description", "Target Type" }, e.id .. ": erases="
              .. table.concat(lib.fact_list(e, "erases"), " ") .. " (rule: personal data, "
              .. "user configuration and user credentials or keys covered; user data "
              .. "declared: " .. (#data > 0 and lib.join(data) or "none") .. ")")
        end
      end
    end
    return units:settle("device deletion functions " .. lib.join(ids))
  end,
}

-- Units a, b, c (TS 103 701): the lab creates typical user data on the
-- device (a), performs each device deletion function and checks the
-- interaction is as declared (b) and that the data is gone afterwards (c).
--
-- Automatic for a function with a machine form (25-DelFunc delete-path on
-- an HTTP(S) delete-service, data-create-path/-body, data-check-path;
-- docs/facts.md): Assay stores a random marker datum through
-- data-create-path (a PASS when the marker is then seen at a
-- data-check-path), makes the deletion request with the lab credential
-- (b PASS on a 2xx answer, FAIL when refused), and looks for the marker
-- again at every data-check-path and, stricter than the text, on the
-- service's own page (c FAIL where it is still served, PASS where it is
-- nowhere).  Afterwards the lab credential must still open the service:
-- when it does not, the run says LAB ACCESS LOST loudly (c INCONCLUSIVE),
-- since every later test case would be refused.
--
-- Looser than the text: Assay performs the machine form of the function;
-- whether the user's own interaction ("Initiation and Interaction": a
-- button, a menu) works as declared is a person's observation, as is
-- every function without delete-path.  A marker is one kind of user
-- data; other copies (a memory card, a cloud mirror) are not looked for.
-- Without data-create-* a and c wait for a person too.
--
-- Deleting user data changes the device under test: never beside the
-- credential test cases, the client-side ones (they read settings the
-- deletion resets) or another deletion.
testcase {
  id = "5.11-1-2",
  type = "functional",
  ixit = { "25-DelFunc" },
  purpose = "Performing each device deletion function as declared erases user data the lab created.",
  exclusive = { "credentials", "gateway", "deletion" },   -- erases user data on the device
  units = {
    a = {
      criterion = "The lab puts typical user data on the device (personal data, configuration or credentials that differ from the defaults).",
      rule = "Declared data-create-path: PASS iff a random marker datum is accepted and then seen at a data-check-path; otherwise a person's.",
      observation = "create-user-data",
      observe = "Create typical user data on the device (a name, a setting, a password differing from the defaults) and note where it is visible.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "Each device deletion function, when performed, is started and behaves the way the IXIT describes it.",
      rule = "Declared delete-path: PASS iff the request with the lab credential is answered 2xx, FAIL when refused; the user's own interaction is a person's.",
      observation = "perform-deletion",
      observe = "Perform each device deletion function the way Initiation and Interaction describes it and note any step that differs.",
      decided = "automatic+observation",
      reach = "network",
    },
    c = {
      criterion = "After each device deletion function the user data it targets is no longer present on the device.",
      rule = "Declared data-check-path: FAIL iff the marker is still served anywhere looked, PASS iff nowhere; otherwise a person's comparison before and after.",
      observation = "data-after-deletion",
      observe = "After each deletion, look for the user data created before (settings pages, listings, old credentials) and note any that remains.",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("http_request", "marker create, deletion, look-ups"))
    local funcs = lib.deletion_functions(lib.ignored_units(), nil, "device")
    if #funcs == 0 then
      return units:stop("FAIL", "the ICS says 5.11-1 applies but 25-DelFunc declares no "
          .. "function with target=device: nothing to perform", lib.FACTS)
    end
    local done = lib.deletion_perform(units, funcs)
    return units:settle("performed and checked by Assay: " .. lib.join(done))
  end,
}
