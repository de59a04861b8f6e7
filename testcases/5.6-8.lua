-- Test group 5.6-8: the device has hardware-level access control for
-- memory.
group "5.6-8"

local ITEM = "18-AccCtrl"
local NAMES = { "hardware-level memory access control mechanisms", "Description" }

-- Hardware mechanisms a description may name: only a hint in the question.
local HW = { "mpu", "mmu", "iommu", "trustzone", "pmp", "tee", "secure element",
  "memory protection", "nx", "xn", "execute-never", "firewall" }

-- 5.6-8-1: for each declared mechanism, a) whether it is implemented in
-- hardware (software embedded in the hardware counts) and b) whether it
-- controls access to memory.
--
-- Rules: 18-AccCtrl empty, or every description empty or a placeholder ->
-- FAIL on a and b (the ICS claims the provision, so a mechanism must be
-- declared); each entry with an empty or placeholder description -> FAIL
-- on both (a mechanism nobody describes cannot be judged); otherwise
-- REVIEW_PENDING per entry and unit, quoting it.  No fact could decide
-- either question; datasheets and the board are the assessor's evidence
-- (TS 103 701's group objective).  The same as the text.
testcase {
  id = "5.6-8-1",
  type = "conceptual",
  ixit = { "18-AccCtrl" },
  purpose = "The declared memory access control mechanisms are hardware-level and control access to memory.",
  units = {
    a = {
      criterion = "Each listed memory access control mechanism is realised in the hardware itself, firmware built into the hardware included.",
      rule = "No 18-AccCtrl description, or a placeholder, FAILs; whether it is hardware-level is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Each listed mechanism is actually able to restrict who or what may access memory.",
      rule = "No 18-AccCtrl description, or a placeholder, FAILs; whether it controls memory access is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.TEXT)
    local d = lib.descriptions(units, { "a", "b" }, ITEM, NAMES, "memory access control mechanism")
    if d then
      local ok = {}
      for _, x in ipairs(d) do ok[x.id] = true end
      for _, e in ipairs(lib.entries(ITEM)) do
        if not ok[e.id] then
          local t = lib.field(e, NAMES[1]) or lib.field(e, NAMES[2])
          for _, l in ipairs({ "a", "b" }) do
            units:add(l, "FAIL", ITEM .. "/" .. e.id .. ": the mechanism is not described ("
                .. (t and lib.quote(t, 40) or "no description") .. ")", t and lib.TEXT or lib.FACTS)
          end
        end
      end
      for _, x in ipairs(d) do
        local hint = lib.mentions(x.text, HW)
        lib.review(units, "a", x.id .. ": judge whether " .. lib.quote(x.text, 300)
            .. " is implemented at the level of the hardware"
            .. (hint == nil and " (the text names no hardware component such as an MPU, MMU "
            .. "or TrustZone)" or ""))
        lib.review(units, "b", x.id .. ": judge whether " .. lib.quote(x.text, 300)
            .. " controls access to memory" .. lib.doubt_note({ x }))
      end
    end
    return units:settle("hardware-level memory access control judged present")
  end,
}
