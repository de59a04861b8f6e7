-- Test group 5.8-3: every external sensing capability is documented for
-- the user, accessibly, clearly and transparently.
group "5.8-3"

local SENS = "22-ExtSens"
local INFO = "2-UserInfo"
local DOC = "Documentation of Sensors"
local CAP = "sensor/sensing capability"

-- The 2-UserInfo entry with "Documentation of Sensors", and its text.
local function documentation()
  for _, e in ipairs(lib.entries(INFO)) do
    local t = lib.field(e, DOC)
    if t then return e, t end
  end
  return nil
end

-- The first http(s) URL of a text without the punctuation closing the
-- sentence around it.
local function url_in(text)
  local u = lib.url(text)
  if u == nil then return nil end
  return (u:gsub("[%)%]%.,;:!%?'\"]+$", ""))
end

-- Units (TS 103 701): a) the sensor documentation can be reached the way
-- "Documentation of Sensors" (2-UserInfo) says; b) it is understandable
-- for a user with limited technical knowledge; c) every obvious sensing
-- capability of the device is listed in 22-ExtSens.
--
-- a) "Documentation of Sensors" absent -> IXIT_MISSING, unless 22-ExtSens
--    is empty too (nothing declared to document: PASS, vacuous, facts;
--    unit c's look at the device is what keeps that honest); a placeholder
--    FAILs (text).  A URL on the device in the text is fetched without
--    credentials (lib.check_public: 4xx/5xx, a login form, an empty page,
--    a redirect off the device FAIL; a 2xx page PASSes: it is reachable as
--    declared).  Any other way (a printed manual, a vendor web site Assay
--    does not connect to) -> MANUAL_STEP_PENDING.
-- b) understandability is the assessor's (REVIEW_PENDING naming the page
--    or the described documentation and the declared sensors); when unit a
--    could not reach the documentation, b is not examined (INCONCLUSIVE).
--    reach physical: the subject is the user documentation, wherever it is
--    published, read by a person.
-- c) a 22-ExtSens entry with an empty or placeholder "sensor/sensing
--    capability" FAILs (listed, but not described for the user); an entry
--    without `sensing` -> IXIT_MISSING; otherwise a person inspects the
--    device (and casing) for sensing capabilities not on the list
--    (MANUAL_STEP_PENDING naming the declared ones).  Nothing is inferred
--    from keywords; an RTSP or audio service is named in the note as a
--    hint only.
testcase {
  id = "5.8-3-1",
  type = "functional",
  ixit = { "2-UserInfo", "22-ExtSens" },
  purpose = "The sensing-capability documentation is reachable as declared and understandable, and the device has no undeclared sensor.",
  units = {
    a = {
      criterion = "The documentation of the device's sensing capabilities can be reached in the way the user information declares.",
      rule = "A declared URL on the device is fetched: reachable without login PASSes, 4xx/5xx, login or empty FAILs; other ways are observed by a person.",
      observation = "sensor-docs-access",
      observe = "Open the sensor documentation the way Documentation of Sensors describes (manual, app, web site) and record whether a user reaches it without an account.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "The sensor documentation can be understood by a user with little technical knowledge and explains why each capability is there.",
      rule = "A person's call; not examined when the documentation could not be reached.",
      decided = "assessor",
      reach = "physical",
    },
    c = {
      criterion = "Every sensing capability that is evident on the device is listed in the external sensors declaration.",
      rule = "A declared sensor without a description FAILs; whether the device shows undeclared sensors is a person's observation.",
      observation = "undeclared-sensors",
      observe = "Inspect the device and its casing (open it where indications call for it) for cameras, microphones, motion, location, biometric or other sensors, and record any not in 22-ExtSens.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local sensors = lib.entries(SENS)
    local listed = {}
    for _, e in ipairs(sensors) do
      local k = lib.fact(e, "sensing")
      local t = lib.field(e, CAP)
      if lib.is_placeholder(t) then
        units:add("c", "FAIL", SENS .. "/" .. e.id .. ": \"" .. CAP .. "\" is "
            .. (t and lib.quote(t, 40) or "empty") .. ": a sensing capability listed "
            .. "without a description for the user", t and lib.TEXT or lib.FACTS)
      elseif k == nil then
        units:add("c", "INCONCLUSIVE", lib.missing(SENS, e, "sensing"))
      end
      listed[#listed + 1] = e.id .. (k and (" (" .. k .. ")") or "") .. (t and (" "
          .. lib.quote(t, 60)) or "")
    end
    local names = #listed > 0 and lib.join(listed) or "none declared"
    -- a) accessibility, b) understandability.
    local de, dt = documentation()
    if de == nil then
      if #sensors == 0 then
        units:add("a", "PASS", "vacuous: 22-ExtSens declares no sensing capability and "
            .. "2-UserInfo no documentation of one")
        units:add("b", "PASS", "vacuous: no sensing capability is declared to document")
      else
        units:add("a", "INCONCLUSIVE", lib.missing(INFO, nil, DOC))
        units:add("b", "INCONCLUSIVE", lib.missing(INFO, nil, DOC))
      end
    elseif lib.is_placeholder(dt) then
      units:add("a", "FAIL", INFO .. "/" .. de.id .. ": \"" .. DOC .. "\" is "
          .. lib.quote(dt, 40) .. ": no documentation of the sensing capabilities", lib.TEXT)
      units:add("b", "FAIL", "no documentation of the sensing capabilities to read", lib.TEXT)
    else
      local url = url_in(dt)
      if url and lib.on_device(url) and lib.is_http_url(url) then
        local r = lib.fetch_public(units, "a", url, "sensor-documentation")
        if r then
          lib.review(units, "b", "read " .. url .. " (evidence sensor-documentation) and judge "
              .. "whether a user with little technical knowledge understands from it which "
              .. "sensing capabilities the device has and why; declared: " .. names)
        else
          units:add("b", "INCONCLUSIVE", "not examined: the documentation at " .. url
              .. " could not be read (unit a)")
        end
      else
        lib.manual_note(units, "a", INFO .. "/" .. de.id .. " \"" .. DOC .. "\" "
            .. lib.quote(dt, 160))
        lib.review(units, "b", "read the documentation described as " .. lib.quote(dt, 160)
            .. " and judge whether a user with little technical knowledge understands from "
            .. "it which sensing capabilities the device has and why; declared: " .. names)
      end
    end
    -- c) the device against the list.
    local hints = {}
    for _, s in ipairs(assay.ixit.services) do
      if s.protocol == "rtsp" or s.protocol == "rtsps" then
        hints[#hints + 1] = "service " .. s.id .. " streams media (" .. s.protocol .. ")"
      end
    end
    lib.manual_note(units, "c", "declared: " .. names .. (#hints > 0 and ("; "
        .. lib.join(hints)) or ""))
    return units:settle("")
  end,
}
