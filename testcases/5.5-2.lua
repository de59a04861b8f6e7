-- Test group 5.5-2: network and security functions use reviewed or
-- evaluated implementations.
group "5.5-2"

local ITEM = "12-NetSecImpl"

-- 5.5-2-1, for each 12-NetSecImpl entry:
--   a) an empty or placeholder "Review/Evaluation Method" FAILs (nothing
--      says it was reviewed); otherwise REVIEW_PENDING quoting the method
--      (whether it is a review or evaluation in the sense of the group
--      objective is a person's call: there is no structured fact);
--   b) an empty or placeholder "Report" or "Description" FAILs (the scope
--      or its evidence is not stated); otherwise REVIEW_PENDING quoting
--      Description, method and Report.
-- Stricter than the text: 12-NetSecImpl empty while the IXIT declares
-- services or 11-ComMech channels FAILs (a device with network functions
-- has network implementations; the text would have nothing to walk).
-- No PASS without the assessor's judgement.
testcase {
  id = "5.5-2-1",
  type = "conceptual",
  ixit = { "12-NetSecImpl" },
  purpose = "Network and security implementations were reviewed or evaluated, and the reviews cover their scope.",
  units = {
    a = {
      criterion = "Every network or security implementation listed has gone through the review or evaluation method stated for it.",
      rule = "An empty or placeholder Review/Evaluation Method FAILs; an empty item beside declared services FAILs; otherwise a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "For each implementation, the stated review or evaluation method and its report cover the scope the implementation's description gives.",
      rule = "An empty or placeholder Report or Description FAILs; whether the report covers the scope is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    if #entries == 0 then
      local n = #assay.ixit.services + #lib.entries("11-ComMech")
      if n > 0 then
        return units:stop("FAIL", "12-NetSecImpl lists no implementation although "
            .. #assay.ixit.services .. " service(s) and " .. #lib.entries("11-ComMech")
            .. " communication mechanism(s) are declared: network functions without any "
            .. "reviewed implementation named", lib.FACTS)
      end
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:12-NetSecImpl/-/-: no implementation "
          .. "declared and no network function to infer one from")
    end
    for _, e in ipairs(entries) do
      local d = lib.field(e, "Description")
      local m = lib.field(e, "Review/Evaluation Method")
      local r = lib.field(e, "Report")
      if m == nil or lib.is_placeholder(m) or lib.is_none(m) then
        units:add("a", "FAIL", e.id .. ": no review or evaluation stated (\"Review/Evaluation "
            .. "Method\" is " .. (m and lib.quote(m) or "empty") .. ")", lib.TEXT)
      else
        lib.review(units, "a", e.id .. ": was " .. lib.quote(d or e.id) .. " reviewed or "
            .. "evaluated by " .. lib.quote(m) .. " (an audit, a review process, a "
            .. "certification)?")
      end
      if d == nil or lib.is_placeholder(d) then
        units:add("b", "FAIL", e.id .. ": no Description giving the implementation's scope",
            lib.TEXT)
      end
      if r == nil or lib.is_placeholder(r) or lib.is_none(r) then
        units:add("b", "FAIL", e.id .. ": no Report as evidence of the review ("
            .. (r and lib.quote(r) or "empty") .. ")", lib.TEXT)
      end
      if d and m and r and not lib.is_placeholder(d) and not lib.is_placeholder(r) then
        lib.review(units, "b", e.id .. ": do the method " .. lib.quote(m) .. " and the report "
            .. lib.quote(r) .. " cover the scope " .. lib.quote(d) .. "?")
      end
    end
    return units:settle(#entries .. " implementation(s) reviewed")
  end,
}

-- Identifications the device gives of its components: SSH banners, the
-- HTTP Server header of each http(s) service, and the components of each
-- firmware image the set-up lists ({name, version, where}).
local function identifications(units)
  local out, seen, tried = {}, {}, {}
  local function add(name, version, where)
    if name == nil or name == "" then return end
    local k = name:lower() .. "\0" .. tostring(version)
    if seen[k] then return end
    seen[k] = true
    out[#out + 1] = { name = name:sub(1, 64), version = version and tostring(version):sub(1, 32),
        where = where }
  end
  local ssh, http, fw = lib.probe("ssh_info"), lib.probe("http_request"), lib.probe("firmware")
  for _, s in ipairs(assay.ixit.services) do
    if (s.protocol == "ssh") and ssh then
      tried[#tried + 1] = s.id .. " banner"
      local r = ssh({ host = lib.addr(s), port = s.port })
      local b = r and tostring(r.banner or ""):sub(1, 255)
      if b then
        -- SSH-2.0-dropbear_2022.83, SSH-2.0-OpenSSH_9.2p1 Debian-2
        local n, v = b:match("^SSH%-[%d%.]+%-([%a][%w%-]-)[_%-]([%d][%w%.%-]*)")
        if n then add(n, v, s.id .. " SSH banner") end
      end
    elseif (s.protocol == "http" or s.protocol == "https") and http then
      tried[#tried + 1] = s.id .. " Server header"
      local r = http({ url = lib.service_url(s), max_read = 4096, timeout_ms = 5000 })
      local h = r and r.headers and (r.headers.server or r.headers.Server)
      if type(h) == "string" then
        for tok in h:sub(1, 255):gmatch("[^%s]+") do
          local n, v = tok:match("^([%a][%w%-%._]-)/([%d][%w%.%-]*)$")
          if n then add(n, v, s.id .. " Server header") end
        end
      end
    end
  end
  local arts = assay.setup and assay.setup.artefacts
  for _, f in ipairs(arts and arts.firmware or {}) do
    if fw then
      tried[#tried + 1] = "firmware " .. tostring(f.id)
      local r, err = fw({ file = f.file })
      if not r then
        units:add("a", "INCONCLUSIVE", "firmware " .. tostring(f.id) .. " could not be read: "
            .. tostring(err))
      else
        for i, c in ipairs(r.components or {}) do
          if i > 200 then break end
          add(c.name, c.version, "firmware " .. tostring(f.id) .. " SBOM")
        end
      end
    end
  end
  table.sort(out, function(x, y)
    if x.name:lower() ~= y.name:lower() then return x.name:lower() < y.name:lower() end
    return tostring(x.version) < tostring(y.version)
  end)
  return out, tried
end

-- The version a text gives right after `name` ("OpenSSL 3.0 (Debian 12)"
-- -> "3.0"), within 12 characters; nil when it names none.  Plain finds
-- over bounded text.
local function declared_version(text, name)
  local t, n = text:sub(1, 2000):lower(), name:lower()
  local i = 1
  while true do
    local s, e = t:find(n, i, true)
    if not s then return nil end
    local before = s > 1 and t:sub(s - 1, s - 1) or " "
    local after = t:sub(e + 1, e + 1)
    if not before:match("[%w]") and not after:match("[%a]") then
      local v = t:sub(e + 1, e + 12):match("^[%s_/%-v]*(%d+[%.%d]*%a?)")
      if v then return v end
    end
    i = e + 1
  end
end

-- How a version the device shows compares with one a review names:
-- "same" (equal, case aside), "within" (the device's starts with the
-- reviewed one and goes on with something other than a digit: 9.2 ->
-- 9.2p1, 9.2.1, 3.0.22-1~deb12u1: a build or patch level of it, which only
-- a person can weigh), "other" (anything else, 9.2 against 9.20 too: a
-- version the review did not cover).
local function compare_version(shown, reviewed)
  local s, r = tostring(shown):lower(), tostring(reviewed):lower()
  if s == r then return "same" end
  if #s > #r and s:sub(1, #r) == r and not s:sub(#r + 1, #r + 1):match("%d") then
    return "within"
  end
  return "other"
end

-- One 12-NetSecImpl entry with the impl-name/impl-version facts against
-- the identifications: the device showing that name only with the
-- reviewed version decides the entry PASS (rule: name and version equal),
-- another version FAILs; a build of it or the name not shown at all
-- waits for a person.  Returns nothing: records on unit a.
local function match_declared(units, e, ids, seen, tried)
  local name, version = lib.fact(e, "impl-name"), lib.fact(e, "impl-version")
  local same, within, other = {}, {}, {}
  for _, c in ipairs(ids) do
    if c.name:lower() == tostring(name):lower() then
      local shown = c.name .. " " .. tostring(c.version) .. " (" .. c.where .. ")"
      if c.version == nil then within[#within + 1] = shown .. ", no version"
      else
        local k = compare_version(c.version, version)
        if k == "same" then same[#same + 1] = shown
        elseif k == "within" then within[#within + 1] = shown
        else other[#other + 1] = shown end
      end
    end
  end
  local decl = e.id .. ": the review identifies " .. name .. " " .. version
  if #other > 0 then
    units:add("a", "FAIL", decl .. " (impl-name, impl-version) but the device shows "
        .. lib.join(other) .. ": not the reviewed version")
  elseif #within > 0 then
    lib.review(units, "a", decl .. "; the device shows " .. lib.join(within)
        .. ": judge whether that is the reviewed implementation (a build or patch level "
        .. "of it, or a version the review does not cover)")
  elseif #same > 0 then
    units:add("a", "PASS", decl .. " and the device shows it: " .. lib.join(same)
        .. " (rule: the same name and version as impl-name/impl-version)")
  else
    lib.review(units, "a", decl .. " but the device does not show " .. name .. " ("
        .. (#seen > 0 and ("it shows " .. lib.clip(table.concat(seen, "; "), 600))
        or ("nothing, tried " .. (#tried > 0 and lib.join(tried) or "no source")))
        .. "): compare the report " .. lib.quote(lib.field(e, "Report") or "(none)")
        .. " with what the device shows elsewhere (web UI, about page), or confirm it "
        .. "gives no name or version")
  end
end

-- 5.5-2-2 a: for each 12-NetSecImpl entry with a review method, the
-- identifications the device gives (SSH banners, HTTP Server headers,
-- firmware SBOM components) are compared with the implementation the
-- review identifies.
--   Entries with the facts impl-name and impl-version (the report's
--   identification, docs/facts.md): the device showing that name with
--   exactly that version decides the entry PASS; with any other version
--   (9.20 against a reviewed 9.2 too) FAIL; with a longer version that
--   starts with the reviewed one (9.2p1, 3.0.22-1~deb12u1) or none, or not
--   showing the name at all, the entry waits for a person.  Every entry
--   decided by the probe gives PASS without a person.
--   Entries without the facts: a component the device names that the
--   Description or Report also names with a version the device's does not
--   start with (at a digit boundary) FAILs; otherwise REVIEW_PENDING
--   listing what the device gave.
-- Looser than the text: Assay trusts that the facts transcribe the
-- Report's identification (whether the report covers the scope is
-- 5.5-2-1 b's, a person's).  Stricter: the text PASSes when the DUT gives
-- no identification; Assay makes that REVIEW_PENDING (a person confirms
-- the DUT exposes none, e.g. in its web UI), never a PASS by absence.
testcase {
  id = "5.5-2-2",
  type = "functional",
  ixit = { "12-NetSecImpl" },
  purpose = "Names and versions of reviewed implementations seen on the device match those of the review reports.",
  units = {
    a = {
      criterion = "For each reviewed implementation, the name and version the device shows match those identified in the review or evaluation report.",
      rule = "Per entry: the device showing impl-name with exactly impl-version PASSes, another version FAILs; a version the text names contradicted FAILs; otherwise a person compares.",
      decided = "automatic+assessor",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("ssh_info, http_request, firmware"))
    local entries = {}
    for _, e in ipairs(lib.entries(ITEM)) do
      local m = lib.field(e, "Review/Evaluation Method")
      if m and not lib.is_placeholder(m) and not lib.is_none(m) then entries[#entries + 1] = e end
    end
    if #entries == 0 then
      return units:stop("INCONCLUSIVE", "REVIEW_PENDING: no 12-NetSecImpl entry names a "
          .. "review or evaluation method, so there is no report to compare the device with "
          .. "(5.5-2-1 judges the absence)", lib.PERSON)
    end
    local ids, tried = identifications(units)
    local seen = {}
    for _, c in ipairs(ids) do
      seen[#seen + 1] = c.name .. (c.version and (" " .. c.version) or "") .. " (" .. c.where .. ")"
    end
    for _, e in ipairs(entries) do
      local text = (lib.field(e, "Description") or "") .. " " .. (lib.field(e, "Report") or "")
      local failed = false
      for _, c in ipairs(ids) do
        local dv = c.version and declared_version(text, c.name)
        if dv and compare_version(c.version, dv) == "other" then
          failed = true
          units:add("a", "FAIL", e.id .. ": the review names " .. c.name .. " " .. dv
              .. " but the device shows " .. c.name .. " " .. c.version .. " (" .. c.where
              .. "): the reviewed version is not the one on the device")
        end
      end
      if lib.fact(e, "impl-name") and lib.fact(e, "impl-version") then
        match_declared(units, e, ids, seen, tried)
      elseif not failed then
        lib.review(units, "a", e.id .. ": compare the implementation the report "
            .. lib.quote(lib.field(e, "Report") or "(none)") .. " identifies ("
            .. lib.quote(lib.field(e, "Description") or "(none)") .. ") with what the device "
            .. "shows: " .. (#seen > 0 and lib.clip(table.concat(seen, "; "), 1200)
            or ("nothing (tried " .. (#tried > 0 and lib.join(tried) or "no source")
            .. "): confirm the device gives no name or version"))
            .. " (impl-name/impl-version would let Assay compare)")
      end
    end
    return units:settle("reviewed implementations match what the device shows")
  end,
}
