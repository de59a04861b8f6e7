-- Test group 5.6-6: code is limited to the functionality the service or
-- device needs.
group "5.6-6"

local ITEM = "16-CodeMin"
local NAMES = { "code minimization techniques", "Description" }

-- Techniques a description may name; only to phrase the question.
local HINTS = { "dead code", "unused", "minimal", "remov", "strip", "disabled at build",
  "package", "module", "prune", "configur" }

-- 5.6-6-1 a: whether the declared code minimization techniques suit the
-- aim of reducing the software to what is needed (and whether the effort
-- is proportionate, the group objective adds).
--
-- Rules: 16-CodeMin empty, or every description empty or a placeholder ->
-- FAIL (the ICS claims the provision, so the techniques must be said);
-- otherwise REVIEW_PENDING quoting every description.  There is no fact
-- that could decide appropriateness: the same as the text.
testcase {
  id = "5.6-6-1",
  type = "conceptual",
  ixit = { "16-CodeMin" },
  purpose = "The declared code minimization techniques suitably reduce software to the functionality needed.",
  units = {
    a = {
      criterion = "The techniques the manufacturer lists for keeping code small are fit to cut the software down to what the device needs to work.",
      rule = "No 16-CodeMin description, or only placeholders, FAILs; whether the techniques are fit is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.TEXT)
    local d = lib.descriptions(units, { "a" }, ITEM, NAMES, "code minimization technique")
    if d then
      local all = {}
      for _, x in ipairs(d) do all[#all + 1] = x.text end
      local hint = lib.mentions(table.concat(all, " "), HINTS)
      lib.review(units, "a", "judge whether the techniques " .. lib.quote_all(d)
          .. " reduce the software to the functionality the device needs, in proportion to "
          .. "the risk" .. (hint == nil and " (the text names no concrete technique such as "
          .. "removing unused packages or modules)" or "") .. lib.doubt_note(d))
    end
    return units:settle("code minimization techniques judged appropriate")
  end,
}
