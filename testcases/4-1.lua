-- Test group 4-1: reporting implementation.  EN 303 645 4-1 asks for a
-- justification of every recommendation judged not applicable or not
-- fulfilled; TS 103 701 test case 4-1-1 checks the ICS gives one.
group "4-1"

-- Unit a (TS 103 701): a justification is given for each recommendation
-- declared not applicable or not fulfilled.
--
-- Rule (Assay): a "detail" that is empty or a placeholder ("TBD", "-",
-- "n/a", "none", "?", lorem ipsum ...; lib.is_placeholder, exact matches
-- only) is no justification -> FAIL.  Anything else is text a person must
-- read: whether it *is* a justification (and not "we did not bother") is
-- REVIEW_PENDING, listing every text to judge.  Stricter than a keyword
-- check (which passed "not relevant"); looser than the old length rule
-- (a short "no display" can be a real justification).
testcase {
  id = "4-1-1",
  type = "conceptual",
  ixit = {},
  purpose = "Every recommendation declared not applicable or not fulfilled has a justification in the ICS.",
  units = {
    a = {
      criterion = "The ICS gives a justification for every recommendation it declares not applicable to, or not fulfilled by, the device.",
      rule = "An N or N/A recommendation whose detail is empty or a placeholder FAILs; whether any other detail justifies is a person's call.",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local missing, texts = {}, {}
    local ids = lib.keys(a.ics.provisions)
    for _, id in ipairs(ids) do
      local p = a.ics.provisions[id]
      if not p.mandatory and (p.support == "N" or p.support == "N/A") then
        if lib.is_placeholder(p.detail) then
          missing[#missing + 1] = id .. " (" .. p.support .. ", detail "
              .. (p.detail and lib.quote(p.detail, 40) or "empty") .. ")"
        else
          texts[#texts + 1] = id .. " (" .. p.support .. "): " .. lib.quote(p.detail, 200)
        end
      end
    end
    if #missing > 0 then
      units:add("a", "FAIL", #missing .. " recommendation(s) declared N or N/A without a "
          .. "justification: " .. lib.join(missing), lib.TEXT)
    end
    if #texts > 0 then
      lib.review(units, "a", "judge whether each of these " .. #texts .. " ICS details "
          .. "justifies why the recommendation is not applicable or not fulfilled: "
          .. table.concat(texts, "; "))
    end
    return lib.finish(units, "a", { checked = "vacuous: no recommendation is declared N or N/A" },
        "every recommendation declared N or N/A carries a justification")
  end,
}
