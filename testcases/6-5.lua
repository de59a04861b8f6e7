-- Test group 6-5: consumers are told what telemetry is collected, how it
-- is used, by whom and why.
group "6-5"

local FIELD, FACT = "Documentation of Telemetry Data", "telemetry-doc-url"

-- 6-5-1 a: the "Documentation of Telemetry Data" of 2-UserInfo lets a
-- consumer obtain the information.  Rules as 6-1-1 (lib.review_user_doc):
-- none declared FAILs, the rest is a person's call.
testcase {
  id = "6-5-1",
  type = "conceptual",
  ixit = { "2-UserInfo" },
  purpose = "The declared documentation of telemetry lets a consumer obtain the information about it.",
  units = {
    a = {
      criterion = "The telemetry documentation named in the IXIT is a way for a consumer to actually get the information about the telemetry collected.",
      rule = "No documentation declared (absent, or a placeholder without telemetry-doc-url) FAILs; otherwise a person's call on the quoted declaration.",
      decided = "assessor",
    },
  },
  run = function(a)
    return lib.review_user_doc(lib.units(lib.FACTS), FIELD, FACT, "telemetry")
  end,
}

-- 6-5-2: a is 6-1-2 a for telemetry-doc-url (fetched on the device; not
-- on the device or no URL: the observation `telemetry-info`).  b and d
-- are a person's reading of the quoted page against each 24-TelData
-- entry's Purpose (an entry without a Purpose FAILs b: nothing to match).
-- c (what is collected) is a person's reading too, with the declared
-- `fields` named; stricter than the text, Assay also watches the
-- telemetry at the lab gateway (lib.telemetry_seen, as 6-4-1): a watched
-- personal datum sent in the telemetry that 24-TelData does not declare
-- FAILs c with its frames (information built on that declaration cannot
-- say what is really collected).  Watched data that is declared is named
-- in c's question.
testcase {
  id = "6-5-2",
  type = "functional",
  ixit = { "2-UserInfo", "24-TelData" },
  purpose = "The telemetry information is obtainable as declared, matches the declared purposes and says what, how, by whom and why.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "The information on telemetry processing can be obtained where and how the user information declaration says.",
      rule = "telemetry-doc-url on the device answers 2xx without credentials, no login form, not empty: PASS; 4xx/5xx, login wall or empty FAILs; none declared FAILs.",
      observation = "telemetry-info",
      observe = "Obtain the telemetry information the way 2-UserInfo describes (leaflet, app, web page off the device) and record whether it can be had.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "The purposes the obtained telemetry information gives agree with the purpose declared for each telemetry entry.",
      rule = "An entry without a Purpose FAILs; otherwise a person compares the quoted page with the quoted purposes.",
      decided = "assessor",
      reach = "network",
    },
    c = {
      criterion = "The obtained information says which telemetry data is collected.",
      rule = "Watched personal data seen in the telemetry but not declared in 24-TelData FAILs with frames; otherwise a person's reading of the quoted page.",
      decided = "assessor",
      reach = "network",
    },
    d = {
      criterion = "The obtained information says fully how the telemetry is used, by whom and for which purposes.",
      decided = "assessor",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local tel = lib.entries("24-TelData")
    local purposes, fields = {}, {}
    for _, t in ipairs(tel) do
      local p = lib.field(t, "Purpose")
      if p == nil or lib.is_placeholder(p) then
        units:add("b", "FAIL", t.id .. ": no Purpose declared to match the information with",
            p and lib.TEXT or lib.FACTS)
      else
        purposes[#purposes + 1] = t.id .. ": " .. lib.quote(p, 160)
      end
      for _, f in ipairs(lib.fact_list(t, "fields") or {}) do fields[#fields + 1] = f end
    end
    local findings, declared, note = lib.telemetry_seen()
    local how = lib.probed("observe",
        "the run's capture at the gateway, read on the telemetry channels")
    for _, f in ipairs(findings) do units:add("c", "FAIL", f, how) end
    if note then assay.log("6-5-2: telemetry not observed: " .. note) end
    local r, where = lib.obtain_user_doc(units, FIELD, FACT, "telemetry.html")
    if where == nil then
      return units:stop("INCONCLUSIVE", "not examined: the information could not be obtained "
          .. "(unit a)")
    end
    local short = r and ("the page at " .. where .. " (evidence telemetry.html, quoted under "
        .. "unit b)") or ("the information at " .. where)
    local src = r and ("the page at " .. where .. " (evidence telemetry.html): "
        .. lib.page_quote(r)) or ("the information at " .. where)
    if #tel == 0 then
      lib.review(units, "b", "24-TelData declares no telemetry: judge whether " .. src
          .. " also says none is collected")
    else
      lib.review(units, "b", "compare " .. src .. " with the declared purposes: "
          .. table.concat(purposes, "; "))
    end
    lib.review(units, "c", "judge whether " .. short .. " says which telemetry data is collected"
        .. (#fields > 0 and (" (declared fields: " .. table.concat(fields, " ") .. ")") or "")
        .. (#declared > 0 and ("; seen at the gateway: " .. table.concat(declared, "; ")) or ""))
    lib.review(units, "d", "judge whether " .. short .. " says fully how the telemetry is used, "
        .. "by whom and for what purposes")
    return units:settle("telemetry information obtained and judged")
  end,
}
