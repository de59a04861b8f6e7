-- Test group 4-1: reporting implementation.  EN 303 645 4-1 asks for a
-- justification of every recommendation judged not applicable or not
-- fulfilled; TS 103 701 test case 4-1-1 checks the ICS gives one.
group "4-1"

-- Details that only restate the answer ("not applicable.") and so give no
-- reason at all.  Exact matches after case folding and trimming, like
-- lib.is_placeholder: a high-precision rule, never a keyword search (a
-- detail that *contains* "not applicable" and goes on to say why is
-- left to the assessor).
local restatements = {
  ["not applicable"] = true, ["not fulfilled"] = true, ["not supported"] = true,
  ["not implemented"] = true, ["not relevant"] = true, ["not needed"] = true,
  ["not required"] = true, ["not necessary"] = true, ["does not apply"] = true,
  ["not used"] = true, ["no"] = true, ["n"] = true, ["na"] = true, ["n.a"] = true,
  ["not in scope"] = true, ["out of scope"] = true, ["irrelevant"] = true,
  ["not provided"] = true, ["not considered"] = true, ["not available"] = true,
  ["not done"] = true, ["not planned"] = true, ["not offered"] = true,
  ["see above"] = true, ["see below"] = true, ["same as above"] = true,
  ["no justification"] = true, ["not applicable to this device"] = true,
  ["not applicable for this device"] = true, ["not applicable for the dut"] = true,
  ["not fulfilled by the dut"] = true, ["not fulfilled by this device"] = true,
}

local function restates(text)
  local t = text:sub(1, 200):lower():gsub("^%s+", ""):gsub("[%s%.!:;,]+$", "")
  return restatements[t] == true
end

-- Unit a (TS 103 701): a justification is given in the ICS for each
-- recommendation declared not applicable or not fulfilled.
--
-- What is a justification is judged, not measured: no length or keyword
-- rule decides either side (a short "the device has no display" can be a
-- real justification; a long paragraph can say nothing).  Rules:
--   - a detail that is empty or a placeholder ("TBD", "-", "n/a", "none",
--     "?", lorem ipsum ...; lib.is_placeholder, exact matches only) gives
--     no justification -> FAIL;
--   - a detail that only restates the answer ("Not applicable.", "not
--     fulfilled", "Not provided.", "out of scope", "see above"; exact
--     matches above) gives
--     no reason -> FAIL;
--   - every other detail is text a person must read: whether it says *why*
--     the recommendation does not apply or is not fulfilled (and not "we
--     did not bother") is REVIEW_PENDING, listing each text with its
--     provision; the same text given for several recommendations is
--     pointed out to the assessor (boilerplate is a hint, never a verdict).
-- Scope: recommendations only (status R, R C; `mandatory` false), as the
-- unit says; a mandatory provision declared N is the business of its own
-- test cases and of the ICS loader (which also refuses an ICS that leaves
-- a provision unanswered).
-- PASS only from the assessor's judgement, or vacuously when the ICS
-- declares no recommendation N or N/A (then nothing needs a
-- justification: the set may be empty by the ICS).
testcase {
  id = "4-1-1",
  type = "conceptual",
  ixit = {},
  purpose = "Every recommendation declared not applicable or not fulfilled has a justification in the ICS.",
  units = {
    a = {
      criterion = "The ICS gives a justification for every recommendation it declares not applicable to, or not fulfilled by, the device.",
      rule = "An N or N/A recommendation whose detail is empty, a placeholder or a bare restatement of the answer FAILs; whether any other detail justifies is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local missing, texts, seen = {}, {}, {}
    local ids = lib.keys(a.ics.provisions)
    for _, id in ipairs(ids) do
      local p = a.ics.provisions[id]
      if not p.mandatory and (p.support == "N" or p.support == "N/A") then
        if lib.is_placeholder(p.detail) then
          missing[#missing + 1] = id .. " (" .. p.support .. ", detail "
              .. (p.detail and lib.quote(p.detail, 40) or "empty") .. ")"
        elseif restates(p.detail) then
          missing[#missing + 1] = id .. " (" .. p.support .. ", detail "
              .. lib.quote(p.detail, 40) .. " only restates the answer)"
        else
          local key = p.detail:sub(1, 400):lower():gsub("%s+", " ")
          seen[key] = seen[key] or {}
          table.insert(seen[key], id)
          texts[#texts + 1] = { id = id, key = key,
              text = id .. " (" .. p.support .. "): " .. lib.quote(p.detail, 200) }
        end
      end
    end
    if #missing > 0 then
      units:add("a", "FAIL", #missing .. " recommendation(s) declared N or N/A without a "
          .. "justification: " .. lib.join(missing), lib.TEXT)
    end
    if #texts > 0 then
      local list, same = {}, {}
      for _, t in ipairs(texts) do
        list[#list + 1] = t.text
        local ids_same = seen[t.key]
        if #ids_same > 1 and ids_same[1] == t.id then
          same[#same + 1] = table.concat(ids_same, ", ")
        end
      end
      lib.review(units, "a", "judge for each of these " .. #texts .. " ICS details whether it "
          .. "says why the recommendation does not apply to the device or is not fulfilled "
          .. "(a reason about this device, not a restatement): " .. table.concat(list, "; ")
          .. (#same > 0 and (" (the same text is given for " .. table.concat(same, "; ")
          .. ": check it fits each)") or ""))
    end
    return lib.finish(units, "a", { checked = "vacuous: no recommendation is declared N or N/A" },
        "every recommendation declared N or N/A carries a justification the assessor accepted")
  end,
}
