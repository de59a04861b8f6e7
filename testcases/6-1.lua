-- Test group 6-1: consumers are told what personal data the device and its
-- services process, how, by whom and why.
group "6-1"

local FIELD, FACT = "Documentation of Personal Data", "privacy-url"

-- 6-1-1 a: the "Documentation of Personal Data" of 2-UserInfo lets a
-- consumer obtain the information.  Rules: no documentation (field absent
-- or a placeholder, and no privacy-url) FAILs; anything else is read by a
-- person (lib.review_user_doc).  As loose as the text on the PASS side (a
-- person's call), stricter on the FAIL side only in that a placeholder
-- counts as no documentation.
testcase {
  id = "6-1-1",
  type = "conceptual",
  ixit = { "2-UserInfo" },
  purpose = "The declared documentation of personal data processing lets a consumer obtain that information.",
  units = {
    a = {
      criterion = "The documentation of personal data processing named in the IXIT is a way for a consumer to actually get the information about that processing.",
      rule = "No documentation declared (absent, or a placeholder without privacy-url) FAILs; otherwise a person's call on the quoted declaration.",
      decided = "assessor",
    },
  },
  run = function(a)
    return lib.review_user_doc(lib.units(lib.FACTS), FIELD, FACT, "personal data processing")
  end,
}

-- The 21-PersData entries as "id (description): Processing Activities
-- ...; purposes ..." for the assessor's questions.
local function processing()
  local out, missing = {}, {}
  for _, p in ipairs(lib.entries("21-PersData")) do
    local act = lib.field(p, "Processing Activities")
    local purp = lib.fact_list(p, "purposes") or {}
    out[#out + 1] = p.id .. " (" .. lib.clip(lib.field(p, "personal data item/description")
        or "no description", 80) .. "): " .. (act and lib.quote(act, 160) or "no Processing "
        .. "Activities") .. (#purp > 0 and (", purposes " .. table.concat(purp, " ")) or "")
    if act == nil or lib.is_placeholder(act) then missing[#missing + 1] = p end
  end
  return out, missing
end

-- 6-1-2: the information is read where 2-UserInfo says it is
-- (lib.obtain_user_doc: privacy-url fetched on the device, PASS only for a
-- public, non-empty page; a 4xx/5xx, login wall or empty page FAILs; not
-- on the device or not a URL: the observation `privacy-info`).  Units b-d
-- are a person's reading of what was fetched (quoted in the question):
-- matching it against each entry's Processing Activities, and whether it
-- says what data, how used, by whom and why in plain words.  Stricter than
-- the text: an entry whose Processing Activities is absent or a
-- placeholder FAILs b (there is nothing to match the information with).
-- Keywords never decide: Assay quotes the page, nothing more.
testcase {
  id = "6-1-2",
  type = "functional",
  ixit = { "2-UserInfo", "21-PersData" },
  purpose = "The personal data information is obtainable as declared, matches the declared processing and is plain to a consumer.",
  units = {
    a = {
      criterion = "The information on personal data processing can be obtained where and how the user information declaration says.",
      rule = "privacy-url on the device answers 2xx without credentials, no login form, not empty: PASS; 4xx/5xx, login wall or empty FAILs; no documentation FAILs.",
      observation = "privacy-info",
      observe = "Obtain the personal data information the way 2-UserInfo describes (leaflet, app, web page off the device) and record whether it can be had.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "What the obtained information says about processing agrees with the processing activities declared for each personal data entry.",
      rule = "An entry without Processing Activities FAILs; otherwise a person compares the quoted page with the quoted activities.",
      decided = "assessor",
      reach = "network",
    },
    c = {
      criterion = "The obtained information says which personal data is processed in words a consumer without technical knowledge follows.",
      decided = "assessor",
      reach = "network",
    },
    d = {
      criterion = "The obtained information says how the personal data is used, by whom and for which purposes, in words a consumer without technical knowledge follows.",
      decided = "assessor",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local r, where = lib.obtain_user_doc(units, FIELD, FACT, "privacy.html")
    local list, missing = processing()
    for _, p in ipairs(missing) do
      units:add("b", "FAIL", p.id .. ": no Processing Activities declared to match the "
          .. "information with", lib.TEXT)
    end
    if where == nil then
      return units:stop("INCONCLUSIVE", "not examined: the information could not be obtained "
          .. "(unit a)")
    end
    local short = r and ("the page at " .. where .. " (evidence privacy.html, quoted under "
        .. "unit b)") or ("the information at " .. where)
    local src = r and ("the page at " .. where .. " (evidence privacy.html): "
        .. lib.page_quote(r)) or ("the information at " .. where)
    if #list == 0 then
      lib.review(units, "b", "21-PersData declares no personal data: judge whether " .. src
          .. " also says none is processed")
    else
      lib.review(units, "b", "compare " .. src .. " with the declared processing: "
          .. table.concat(list, "; "))
    end
    lib.review(units, "c", "judge whether " .. short .. " says which personal data is processed, "
        .. "in words a consumer with limited technical knowledge understands")
    lib.review(units, "d", "judge whether " .. short .. " says how the personal data is used, by "
        .. "whom (including third parties) and for what purposes, in plain words")
    return units:settle("personal data information obtained and judged")
  end,
}
