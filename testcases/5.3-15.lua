-- Test group 5.3-15: a device that cannot be updated can be isolated and
-- its hardware replaced.  Applicability (conditions 3, 4) is the engine's.
group "5.3-15"

local ITEM = "9-ReplSup"
local ISO, HW = "Isolation", "Hardware Replacement"

-- Units (TS 103 701): a) the described isolation method is suited to take
-- the product off its network or into a self-contained environment; b) the
-- described replacement method is suited to replace the hardware.
--
-- Rules: 9-ReplSup empty although the provision applies -> FAIL both (the
-- IXIT is incomplete, policy rule 4); per entry, a method absent or a
-- placeholder -> FAIL on its unit (nothing described to judge).  Suitability
-- is a person's call (policy rule 6): REVIEW_PENDING quoting each method,
-- with the question the text asks.  No structured fact exists for these
-- methods, so no PASS without the assessor.
testcase {
  id = "5.3-15-1",
  type = "conceptual",
  ixit = { "9-ReplSup" },
  purpose = "The declared isolation and hardware replacement methods are suited to the product.",
  units = {
    a = {
      criterion = "The declared way of isolating the product takes it off its network, or into a closed environment, in a workable way.",
      rule = "No 9-ReplSup entry, or an absent or placeholder Isolation, FAILs; suitability is the assessor's call.",
      decided = "assessor",
    },
    b = {
      criterion = "The declared way of replacing the hardware is one that actually lets the hardware be replaced.",
      rule = "No 9-ReplSup entry, or an absent or placeholder Hardware Replacement, FAILs; suitability is the assessor's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = lib.entries(ITEM)
    if #list == 0 then
      return units:stop("FAIL", "9-ReplSup is empty although 5.3-15 applies: no isolation "
          .. "and no hardware replacement method declared")
    end
    local q = {
      a = "is suited to isolate the product (removed from its network with only the "
          .. "connectivity-related functions lost, or placed in a self-contained environment "
          .. "whose devices' integrity is ensured)",
      b = "is suited to replace the hardware so that connectivity and function are regained",
    }
    for _, e in ipairs(list) do
      for _, f in ipairs({ { "a", ISO }, { "b", HW } }) do
        local l, text = f[1], lib.field(e, f[2])
        if text == nil then
          units:add(l, "FAIL", e.id .. ": \"" .. f[2] .. "\" absent: no method described")
        elseif lib.is_placeholder(text) then
          units:add(l, "FAIL", e.id .. ": \"" .. f[2] .. "\" is a placeholder "
              .. lib.quote(text, 40), lib.TEXT)
        else
          lib.review(units, l, e.id .. ": judge whether the method " .. lib.quote(text, 300)
              .. " " .. q[l])
        end
      end
    end
    return units:settle("isolation and replacement methods declared")
  end,
}

-- Units (TS 103 701): a) set the product up in its intended environment;
-- b) isolate it by the declared method; c) check that the isolated product
-- lost only connectivity-related functions (or, in a self-contained
-- environment, that the devices' integrity holds); d) replace the hardware
-- by the declared method; e) check that connectivity and function return.
--
-- Every unit is something a person does to the product or watches it do
-- (pulling it off the network, swapping hardware): MANUAL_STEP_PENDING with
-- the declared method quoted.  Assay does not cut its own link to the
-- device to stand in for (b): losing the device would look the same as a
-- device that stopped on isolation.  No 9-ReplSup entry -> IXIT_MISSING.
testcase {
  id = "5.3-15-2",
  type = "functional",
  ixit = { "9-ReplSup" },
  purpose = "The product can be isolated and its hardware replaced by the declared methods, keeping its main function and regaining connectivity.",
  units = {
    a = {
      criterion = "The product is installed in the environment it is meant for before the isolation is tried.",
      observation = "install-intended",
      observe = "Install the product (device and its services) in a test network as the user documentation intends and record its main function working.",
      decided = "observation",
      reach = "physical",
    },
    b = {
      criterion = "The declared isolation method is carried out on the installed product.",
      observation = "isolate",
      observe = "Carry out the declared Isolation method (remove the product from its network, or move it into a self-contained environment) and record each step.",
      decided = "observation",
      reach = "physical",
    },
    c = {
      criterion = "After isolation only connectivity-related functions are lost, or the integrity of the devices of the closed environment is kept.",
      observation = "isolated-function",
      observe = "On the isolated product, exercise the main function and record which functions are lost and whether each loss is due only to connectivity.",
      decided = "observation",
      reach = "physical",
    },
    d = {
      criterion = "The declared hardware replacement method is carried out in the intended environment.",
      observation = "replace-hardware",
      observe = "Carry out the declared Hardware Replacement method in the intended environment and record each step.",
      decided = "observation",
      reach = "physical",
    },
    e = {
      criterion = "The replaced product regains its connectivity and the functions that depend on it.",
      observation = "replaced-function",
      observe = "On the replacement, check that connectivity and the functions depending on it work again and record what does not.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list = lib.entries(ITEM)
    if #list == 0 then
      return units:stop("INCONCLUSIVE", lib.missing(ITEM, nil, ISO)
          .. ": no isolation or replacement method declared to perform")
    end
    local notes = {}
    for _, e in ipairs(list) do
      notes[#notes + 1] = e.id .. ": Isolation " .. lib.quote(lib.field(e, ISO) or "(absent)", 160)
          .. ", Hardware Replacement " .. lib.quote(lib.field(e, HW) or "(absent)", 160)
    end
    return lib.manual(units, lib.letters(), "declared: " .. table.concat(notes, "; "))
  end,
}
