-- Test group 5.3-16: the model designation is clearly recognisable, on a
-- label or through a physical interface.
group "5.3-16"

local ITEM = "2-UserInfo"
local MD = "Model Designation"

-- The 2-UserInfo entry with a "Model Designation" (nil when none).
local function declared()
  for _, e in ipairs(lib.entries(ITEM)) do
    if lib.field(e, MD) then return e end
  end
  return nil
end

-- The first http(s) URL of a free text, without the punctuation that
-- closes the sentence around it ("... title (https://host/)." ).
local function url_in(text)
  local u = lib.url(text)
  if u == nil then return nil end
  return (u:gsub("[%)%]%.,;:!%?'\"]+$", ""))
end

-- The model the ICS declares (its <device><model>), trimmed, or nil.
local function ics_model()
  local d = assay.ics and assay.ics.device
  local m = d and d.model
  if m == nil then return nil end
  m = tostring(m):gsub("^%s+", ""):gsub("%s+$", "")
  if m == "" then return nil end
  return m
end

-- Unit a (TS 103 701): the model designation can be obtained in a clearly
-- recognisable way, by a label on the device or a physical interface, as
-- "Model Designation" describes.
--
-- Rules: no "Model Designation" (or a placeholder) FAILs: nothing says how
-- a user recognises the model.  Otherwise REVIEW_PENDING: the assessor
-- judges whether the described way (quoted) is clearly recognisable, told
-- whether the text names the ICS model (a hint for the question, never a
-- PASS).  Clear recognisability is a person's call (policy rule 6).
testcase {
  id = "5.3-16-1",
  type = "conceptual",
  ixit = { "2-UserInfo" },
  purpose = "The model designation is clearly recognisable on a label or via a physical interface.",
  units = {
    a = {
      criterion = "A user can read the model designation plainly from a label on the device or through a physical interface, as the IXIT describes.",
      rule = "No Model Designation text, or a placeholder, FAILs; whether the described way is clearly recognisable is the assessor's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e = declared()
    if e == nil then
      return units:stop("FAIL", "no \"Model Designation\" in 2-UserInfo: the IXIT does not "
          .. "say how the model is recognised")
    end
    local text = lib.field(e, MD)
    if lib.is_placeholder(text) then
      return units:stop("FAIL", e.id .. ": \"Model Designation\" is a placeholder "
          .. lib.quote(text, 40), lib.TEXT)
    end
    local m = ics_model()
    local short = m and m:match("^(%S+)")
    local t = text:sub(1, 4096)
    local hint = m == nil and "the ICS declares no model"
        or (t:find(m, 1, true) and ("the text names the ICS model \"" .. m .. "\""))
        or (#short >= 3 and t:find(short, 1, true) and ("the text names \"" .. short
            .. "\" of the ICS model \"" .. m .. "\""))
        or ("the text does not name the ICS model \"" .. m .. "\"")
    lib.review(units, "a", e.id .. ": judge whether the model designation is clearly "
        .. "recognisable, as plain text on a label on the device or through a physical "
        .. "interface, by the described way " .. lib.quote(text, 300) .. " (" .. hint .. ")")
    return units:settle("model designation described")
  end,
}

-- Units (TS 103 701): a) the model designation is obtained the described
-- way; b) it is plain text and is the designation the IXIT expects.
--
-- The expected designation is the ICS model (structured) or a quoted
-- string of "Model Designation" that is part of it ("SC-200" of "SC-200
-- Smart Camera": the value the IXIT tells the user to expect);
-- the text also gives the way.  Assay reads what the device shows over its
-- web interface: the URL on the device in the text, else the root page of
-- each declared http/https service.  A page whose visible text holds the
-- declared designation verbatim (plain find, exact characters) -> a and b
-- PASS, naming the page.  The declared URL answering 4xx/5xx -> a FAIL;
-- the declared URL showing a page without the model -> b FAIL.  A root page
-- Assay only guessed that lacks the model, a text naming only a label, or
-- no web service -> MANUAL_STEP_PENDING (the label is read by a person).
-- Looser than the text: one described way seen to work is enough (a label
-- also described is not read when the web UI shows the model); stricter:
-- the designation must match a declared one character for character.
testcase {
  id = "5.3-16-2",
  type = "functional",
  ixit = { "2-UserInfo" },
  purpose = "The model designation obtained as described is plain text and matches the declared model.",
  units = {
    a = {
      criterion = "The model designation can be obtained from the device in the way the IXIT describes.",
      rule = "PASS iff a declared web page (or a web root) shows the model; the declared URL failing FAILs; otherwise a person reads the label.",
      observation = "model-designation",
      observe = "Obtain the model designation the way Model Designation describes (label on the device, device information page, console) and record it verbatim.",
      decided = "automatic+observation",
      reach = "network",
    },
    b = {
      criterion = "The designation obtained is readable plain text and is the model the IXIT expects.",
      rule = "PASS iff the page's visible text holds a declared designation (ICS model or quoted in the IXIT) verbatim; the declared page without it FAILs.",
      observation = "model-matches",
      observe = "Compare the designation recorded from the device with the declared model, character by character, and record whether it is plain text.",
      decided = "automatic+observation",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e = declared()
    if e == nil then
      return units:stop("INCONCLUSIVE", lib.missing(ITEM, nil, MD))
    end
    local text = lib.field(e, MD)
    -- The expected designations: the ICS model and each quoted string of
    -- "Model Designation" (the value the IXIT says the user will see).
    -- A quoted string counts only as part of the ICS model (or without
    -- one): 'the "About" page' must not make any page that says About pass.
    local names, seen = {}, {}
    local im = ics_model()
    for q in text:sub(1, 2048):gmatch('"([^"\n]+)"') do
      if #q >= 3 and #q <= 64 and not seen[q] and (im == nil or im:find(q, 1, true)) then
        seen[q] = true; names[#names + 1] = q
      end
    end
    if im and not seen[im] then names[#names + 1] = im end
    if #names == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:ICS/device/model: no declared model "
          .. "to compare with (\"Model Designation\" " .. lib.quote(text) .. ")")
    end
    local m = table.concat(names, "\" or \"")
    local http, why = lib.probe("http_request")
    if not http then return units:stop("INCONCLUSIVE", why) end
    local cands = {}
    local url = url_in(text)
    if url and lib.on_device(url) and lib.is_http_url(url) then
      cands[1] = { url = url, declared = true }
    else
      for _, s in ipairs(assay.ixit.services) do
        if s.protocol == "http" or s.protocol == "https" then
          cands[#cands + 1] = { url = lib.service_url(s, "/"), declared = false }
        end
      end
    end
    local tried = {}
    for i, c in ipairs(cands) do
      local how = lib.probed("http_request", c.url)
      local r, err = http({ url = c.url, follow = 3, max_read = 256 * 1024 })
      if r and r.status >= 200 and r.status < 300 then
        local vis = lib.visible_text(r.body):sub(1, 262144):gsub("%s+", " ")
        assay.evidence("model-page-" .. i .. ".txt", r.body or "")
        local hit
        for _, n in ipairs(names) do
          if vis:find(n, 1, true) then hit = n; break end
        end
        if hit then
          units:add("a", "PASS", "the device shows its model at " .. c.url
              .. (c.declared and " (the declared route)" or " (web interface)"), how)
          units:add("b", "PASS", c.url .. " shows \"" .. hit .. "\" in plain text, as "
              .. "declared (rule: a declared designation appears verbatim in the visible text)",
              how)
          return units:settle("model designation " .. hit .. " obtained from the device")
        end
        if c.declared then
          units:add("a", "PASS", "the declared route " .. c.url .. " leads to a page", how)
          units:add("b", "FAIL", "the declared page " .. c.url .. " does not show the model \""
              .. m .. "\" (evidence model-page-" .. i .. ".txt)", how)
          return units:settle("")
        end
        tried[#tried + 1] = c.url .. " shows no \"" .. m .. "\""
      elseif c.declared and r then
        units:add("a", "FAIL", "the declared route " .. c.url .. " answered HTTP " .. r.status, how)
        return units:stop("INCONCLUSIVE", "not examined: the declared route " .. c.url
            .. " answered HTTP " .. r.status, how)
      else
        tried[#tried + 1] = c.url .. ": " .. (r and ("HTTP " .. r.status) or tostring(err))
      end
    end
    return lib.manual(units, lib.letters(), "declared \"" .. m .. "\" by "
        .. lib.quote(text, 160) .. (#tried > 0 and ("; the web interface did not show it: "
        .. table.concat(tried, "; ")) or "; no web interface to read it from"))
  end,
}
