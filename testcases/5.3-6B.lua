-- Test group 5.3-6B (EN 303 645 V3.1.3): update notifications are on
-- after initialization, and the user can enable, disable or postpone them.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.3-6 (automatic updates and update notifications,
-- on after initialization and configurable) into 5.3-6A (automatic
-- updates configurable, feature h) and 5.3-6B (this one, feature i), and
-- TS 103 701 V1.1.1 covers V2.1.1 only.  Assay wrote this test case from
-- the V3.1.3 provision summary (spec/en303645_v3.1.3_provisions.csv); its
-- units are TS 103 701's 5.3-6-1 units d and e in Assay's own words,
-- decided by the rules of testcases/5.3-6.lua.  The report marks it
-- Assay-defined.
group "5.3-6B"

local CONF, NOTE = "Configuration", "User Notification"

-- 5.3-6B-1, per 7-UpdMech mechanism, for a (configurable) and b (on after
-- initialization) alike: "User Notification" absent -> IXIT_MISSING; a
-- placeholder ("none") -> a person confirms the mechanism gives no
-- notifications (a PASS from wording would be a PASS by default); a text
-- with "Configuration" absent or a placeholder -> FAIL (notifications
-- without a way to configure them or a declared default); otherwise a
-- person judges, quoting both.  7-UpdMech empty -> FAIL.
testcase {
  id = "5.3-6B-1",
  type = "conceptual",
  ixit = { "7-UpdMech" },
  purpose = "Update notifications are on once the device is initialized, and the user can turn them on, off or postpone them.",
  units = {
    a = {
      criterion = "Wherever the device notifies the user of updates, the user has a way to turn those notifications on, off, or postpone them.",
      rule = "User Notification absent IXIT_MISSING; described with Configuration absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Wherever the device notifies the user of updates, those notifications are active on an initialized device.",
      rule = "User Notification absent IXIT_MISSING; described with Configuration absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      return units:stop("FAIL", "7-UpdMech is empty: no update mechanism is declared")
    end
    for _, l in ipairs({ "a", "b" }) do
      for _, m in ipairs(mechs) do
        local n = lib.field(m, NOTE)
        if n == nil then
          units:add(l, "INCONCLUSIVE", lib.missing("7-UpdMech", m, NOTE))
        elseif lib.is_placeholder(n) then
          lib.review(units, l, m.id .. ": \"" .. NOTE .. "\" " .. lib.quote(n, 40)
              .. ": confirm the mechanism gives no update notifications (then the unit does "
              .. "not apply to it)")
        elseif lib.require_text(units, l, "7-UpdMech", m, { CONF },
            ": update notifications are described but no configuration or default") then
          lib.review(units, l, m.id .. ": judge whether " .. (l == "a"
              and "the user can enable, disable or postpone update notifications"
              or "update notifications are on once the device is initialized") .. ": "
              .. lib.quote_fields(m, { NOTE, CONF }, 160))
        end
      end
    end
    return units:settle("update notifications on after initialization and configurable")
  end,
}
