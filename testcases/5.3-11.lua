-- Test group 5.3-11: the user is told clearly when a security update is
-- needed and which risks it addresses.
group "5.3-11"

local NOTE = "User Notification"

-- 5.3-11-1 (TS 103 701), per 7-UpdMech mechanism by "User Notification":
-- a) the way the user learns of a required security update is
-- recognisable and apparent; b) the notice says which risks the update
-- mitigates.
--
-- Both are a person's call: REVIEW_PENDING quoting the text.  FAILs first:
-- "User Notification" absent or a placeholder ("none": the user is not
-- told), 7-UpdMech empty (condition 12).  Stricter than the text in that
-- an absent field FAILs rather than leaving nothing to assess.
testcase {
  id = "5.3-11-1",
  type = "conceptual",
  ixit = { "7-UpdMech" },
  purpose = "Users are told recognisably that a security update is needed and which risks it mitigates.",
  units = {
    a = {
      criterion = "For each update mechanism, the way users learn that a security update is needed is easy to notice and recognise.",
      rule = "User Notification absent or a placeholder FAILs; whether it is recognisable and apparent is a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "For each update mechanism, the notice of a required security update names the risks the update mitigates.",
      rule = "User Notification absent or a placeholder FAILs; whether it names the risks is a person's call.",
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
      for _, l in ipairs({ "a", "b" }) do
        if lib.require_text(units, l, "7-UpdMech", m, { NOTE },
            ": the user is not told about required security updates") then
          lib.review(units, l, m.id .. ": judge whether " .. (l == "a"
              and "the user notices and recognises that a security update is needed (UI, push, e-mail; short, prominent)"
              or "the notice names the risks the update mitigates") .. ": "
              .. lib.quote_fields(m, { NOTE }, 240))
        end
      end
    end
    return units:settle("update notifications judged recognisable and informative")
  end,
}
