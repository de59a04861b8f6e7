-- Test group 4-1: reporting implementation.  EN 303 645 4-1 asks for a
-- justification of every recommendation judged not applicable or not
-- fulfilled; TS 103 701 test case 4-1-1 checks the ICS gives one.
group "4-1"

-- Words that stand in for a justification without being one.
local placeholders = { "todo", "tbd", "n/a", "na", "none", "-", "?", "not applicable",
    "not relevant", "no", "xxx", "fixme" }

local function is_placeholder(text)
  local t = (text or ""):lower():gsub("^%s+", ""):gsub("[%s%.]+$", "")
  if #t < 12 then
    return true
  end
  for _, p in ipairs(placeholders) do
    if t == p then return true end
  end
  return false
end

testcase {
  id = "4-1-1",
  type = "conceptual",
  ixit = {},
  purpose = "Every recommendation declared not applicable or not fulfilled has a justification in the ICS.",
  run = function(a)
    local missing, checked = {}, 0
    for id, p in pairs(a.ics.provisions) do
      if not p.mandatory and (p.support == "N" or p.support == "N/A") then
        checked = checked + 1
        if is_placeholder(p.detail) then
          missing[#missing + 1] = id
        end
      end
    end
    table.sort(missing)
    if #missing > 0 then
      a.unit("a", "FAIL", "no real justification for " .. lib.join(missing))
      return fail(#missing .. " recommendation(s) declared N or N/A without a "
          .. "justification: " .. lib.join(missing))
    end
    a.unit("a", "PASS", checked .. " recommendation(s) declared N or N/A, each justified")
    return pass("every recommendation declared N or N/A (" .. checked .. ") carries a justification")
  end,
}
