-- Test group 5.3-12: the device warns the user when installing an update
-- will disrupt its basic functioning.
group "5.3-12"

local NOTE = "User Notification"

-- 5.3-12-1 a (TS 103 701): each 7-UpdMech mechanism notifies the user,
-- on the device itself, before an update that disrupts basic functioning
-- (no notice is needed where updates never disrupt it: the group's NOTE).
--
-- "User Notification" absent -> IXIT_MISSING; a placeholder ("none") ->
-- REVIEW_PENDING: a person confirms that updates never disrupt basic
-- functioning (only then is no notice right; a PASS from "none" would be
-- a PASS by default); a text -> REVIEW_PENDING: is the disruption notice
-- given, and given on the device itself.  7-UpdMech empty -> FAIL
-- (condition 12).
testcase {
  id = "5.3-12-1",
  type = "conceptual",
  ixit = { "7-UpdMech" },
  purpose = "The device itself notifies users before an update disrupts its basic functioning.",
  units = {
    a = {
      criterion = "Each update mechanism warns the user, on the device itself, when an update will interrupt the device's basic functioning.",
      rule = "User Notification absent IXIT_MISSING; otherwise a person's call (with none: that updates never disrupt).",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      return units:stop("FAIL", "7-UpdMech is empty although condition 12 (an update "
          .. "mechanism is implemented) holds")
    end
    for _, m in ipairs(mechs) do
      local n = lib.field(m, NOTE)
      if n == nil then
        units:add("a", "INCONCLUSIVE", lib.missing("7-UpdMech", m, NOTE))
      elseif lib.is_placeholder(n) then
        lib.review(units, "a", m.id .. ": \"" .. NOTE .. "\" " .. lib.quote(n, 40)
            .. ": confirm that installing an update never disrupts the device's basic "
            .. "functioning (otherwise the missing notice FAILs): "
            .. lib.quote_fields(m, { "Description", "Initiation and Interaction" }, 160))
      else
        lib.review(units, "a", m.id .. ": judge whether the device itself warns the user "
            .. "before an update disrupts its basic functioning: " .. lib.quote_fields(m, { NOTE }, 240))
      end
    end
    return units:settle("disruption notices judged")
  end,
}
