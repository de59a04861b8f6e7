-- Test group 5.4-1: sensitive security parameters in persistent storage
-- are stored securely by the device.
group "5.4-1"

local ITEM = "10-SecParam"

-- Whether entry e is a critical parameter shared by every device and built
-- into the software: the shape the provisions rule out (5.4-3, 5.4-4).
local function hard_coded_shared(e)
  return lib.fact(e, "type") == "critical" and lib.fact(e, "hard-coded") == true
      and lib.fact(e, "unique-per-device") == false
end

-- What elsewhere in the IXIT implies a secret the device keeps: machine or
-- pre-installed authentication values, protected channels, authenticated
-- updates.  Sorted, for the assessor's completeness check (unit d).
local function indications()
  local out = {}
  for _, e in ipairs(lib.entries("1-AuthMech")) do
    local f = lib.fact(e, "factor")
    if f and f ~= "biometric" then out[#out + 1] = "1-AuthMech/" .. e.id .. " (" .. f .. ")" end
  end
  for _, e in ipairs(lib.entries("11-ComMech")) do
    local s = lib.fact(e, "security")
    if s and s ~= "none" then out[#out + 1] = "11-ComMech/" .. e.id .. " (" .. s .. ")" end
  end
  for _, e in ipairs(lib.entries("7-UpdMech")) do
    local s = lib.fact(e, "authenticity")
    if s and s ~= "none" then out[#out + 1] = "7-UpdMech/" .. e.id .. " (authenticity=" .. s .. ")" end
  end
  table.sort(out)
  return out
end

-- Units (TS 103 701), per 10-SecParam entry: a) its declared type fits its
-- description; b) its security guarantees cover at least what the type
-- needs (critical: confidentiality and integrity; public: integrity);
-- c) its protection scheme gives those guarantees; d) nothing elsewhere in
-- the IXIT points to a parameter the list lacks.
--
-- Rules.  a: the `type` fact absent -> IXIT_MISSING; otherwise the
-- assessor compares it with the Description (REVIEW_PENDING quoting both).
-- b: "Security Guarantees" absent or a placeholder -> FAIL (missing
-- information); otherwise REVIEW_PENDING naming the minimum the type needs.
-- c: a critical parameter declared hard-coded and not unique per device
-- FAILs (the same value in every device's software: no storage scheme keeps
-- it confidential); "Protection Scheme" absent or a placeholder -> FAIL;
-- otherwise REVIEW_PENDING quoting scheme and guarantees.  d: no entry
-- while the IXIT declares authentication values, protected channels or
-- authenticated updates -> FAIL on every unit (the list is incomplete);
-- no critical parameter while a protected channel or a non-user-defined
-- authentication value exists -> FAIL; otherwise REVIEW_PENDING listing
-- those indications.  Never PASS without the assessor: each unit asks
-- whether something fits, which facts cannot show (policy rule 6).
testcase {
  id = "5.4-1-1",
  type = "conceptual",
  ixit = { "1-AuthMech", "10-SecParam" },
  purpose = "Each sensitive security parameter has a fitting type, guarantees and protection scheme, and none is missing from the list.",
  units = {
    a = {
      criterion = "For each sensitive security parameter the declared kind (critical or public) is consistent with what its description says it is.",
      rule = "An absent type fact is IXIT_MISSING; consistency with the Description is the assessor's call.",
      decided = "assessor",
    },
    b = {
      criterion = "For each parameter the claimed guarantees cover at least what its kind needs: confidentiality and integrity if critical, integrity if public.",
      rule = "Absent or placeholder Security Guarantees FAIL; whether they cover the type's needs is the assessor's call.",
      decided = "assessor",
    },
    c = {
      criterion = "For each parameter the declared protection scheme actually delivers the guarantees claimed for it.",
      rule = "A critical parameter hard-coded and shared by all devices FAILs; an absent or placeholder Protection Scheme FAILs; otherwise the assessor's call.",
      decided = "assessor",
    },
    d = {
      criterion = "Nothing in the other IXIT items points to a sensitive security parameter that the parameter list leaves out.",
      rule = "An empty or critical-free list beside authentication values or protected channels FAILs; otherwise the assessor checks the listed indications.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local list, ind = lib.entries(ITEM), indications()
    if #list == 0 then
      if #ind > 0 then
        return units:stop("FAIL", "10-SecParam is empty although the IXIT declares "
            .. lib.join(ind) .. ": the parameter list is incomplete")
      end
      return units:stop("INCONCLUSIVE", lib.missing(ITEM, nil, "Description")
          .. ": no sensitive security parameter declared")
    end
    local critical, untyped = 0, 0
    for _, e in ipairs(list) do
      local t = lib.require_fact(units, "a", ITEM, e, "type")
      if t == nil then untyped = untyped + 1 end
      local desc = lib.field(e, "Description")
      if t == "critical" then critical = critical + 1 end
      if t then
        lib.review(units, "a", e.id .. ": judge whether type=" .. t .. " (\"Type\" "
            .. lib.quote(lib.field(e, "Type") or "(absent)", 60) .. ") fits the Description "
            .. lib.quote(desc or "(absent)", 200))
      end
      local g = lib.field(e, "Security Guarantees")
      if g == nil or lib.is_placeholder(g) then
        units:add("b", "FAIL", e.id .. ": \"Security Guarantees\" "
            .. (g and ("is a placeholder " .. lib.quote(g, 40)) or "absent")
            .. ": no guarantee claimed", g and lib.TEXT or lib.FACTS)
      else
        lib.review(units, "b", e.id .. ": judge whether " .. lib.quote(g, 160) .. " covers "
            .. (t == "critical" and "confidentiality and integrity (type=critical)"
            or t == "public" and "integrity (type=public)"
            or "what the parameter needs (type unknown: confidentiality and integrity if critical)"))
      end
      local p = lib.field(e, "Protection Scheme")
      if hard_coded_shared(e) then
        units:add("c", "FAIL", e.id .. ": " .. lib.facts_text(e, { "type", "hard-coded",
            "unique-per-device" }) .. ": the same critical value is in every device's "
            .. "software, so no storage scheme keeps it confidential")
      end
      if p == nil or lib.is_placeholder(p) then
        units:add("c", "FAIL", e.id .. ": \"Protection Scheme\" "
            .. (p and ("is a placeholder " .. lib.quote(p, 40)) or "absent")
            .. ": no protection declared", p and lib.TEXT or lib.FACTS)
      else
        lib.review(units, "c", e.id .. ": judge whether the protection scheme "
            .. lib.quote(p, 200) .. " gives the claimed guarantees " .. lib.quote(g or "(absent)", 100))
      end
    end
    if critical == 0 and untyped == 0 and #ind > 0 then
      units:add("d", "FAIL", "no critical security parameter in 10-SecParam although the IXIT "
          .. "declares " .. lib.join(ind) .. ", each of which keeps a secret")
    else
      lib.review(units, "d", "check that 10-SecParam (" .. #list .. " entries) lists the "
          .. "secrets behind " .. (#ind > 0 and lib.join(ind) or "every other IXIT item")
          .. " (the keys of protected channels, the verifiers of authentication values, the "
          .. "update verification key)")
    end
    return units:settle("security parameters judged")
  end,
}

-- Unit a (TS 103 701): for every parameter, the declared protection scheme
-- is what the device implements: no indication of the contrary at a basic
-- level.
--
-- With a firmware image in the lab set-up (<artefacts><firmware>), Assay
-- unpacks and carves it (assay.net.firmware, docs/probe_firmware.md) with
-- the lab's credentials as declared secrets.  A private key in clear, a lab
-- credential or a default pair found in a file, or an account whose hash
-- verifies a known password is an indication that stored parameters are not
-- protected as declared -> FAIL naming it.  An analysis that hit a cap or
-- could not unpack something -> INCONCLUSIVE naming it.  Nothing found in a
-- complete analysis -> REVIEW_PENDING: the image is what every device
-- receives; per-device storage (a key file made at first start, a secure
-- element) is not in it, so the assessor compares each declared scheme
-- (quoted) with what the device's storage shows.  Without an image ->
-- REVIEW_PENDING naming the observation that decides the unit.  Stricter
-- than the text: none; looser: the runtime storage (file modes, OS access
-- control) is not probed over the network.
testcase {
  id = "5.4-1-2",
  type = "functional",
  ixit = { "10-SecParam" },
  purpose = "The device shows no sign that a declared storage protection of a security parameter is missing (firmware image, storage).",
  units = {
    a = {
      criterion = "Examining the device and its software gives no sign that any parameter's declared protection scheme is not what is implemented.",
      rule = "Secrets in clear in the declared firmware image FAIL; otherwise the assessor compares the declared schemes with the device's storage.",
      decided = "assessor",
      reach = "artefact",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("firmware"))
    local list = lib.entries(ITEM)
    if #list == 0 then
      return units:stop("INCONCLUSIVE", lib.missing(ITEM, nil, "Protection Scheme")
          .. ": no parameter whose protection to examine", lib.FACTS)
    end
    local schemes = {}
    for _, e in ipairs(list) do
      schemes[#schemes + 1] = e.id .. " " .. lib.quote(lib.field(e, "Protection Scheme")
          or "(absent)", 100)
    end
    local imgs = lib.firmware_images()
    if #imgs == 0 then
      lib.review(units, "a", "no firmware image in the lab set-up (<artefacts><firmware>): "
          .. "obtain the image or a flash dump and look for the parameters in clear, then "
          .. "check each declared protection scheme on the device: " .. table.concat(schemes, "; "))
      return units:settle("")
    end
    for _, img in ipairs(imgs) do
      local fw, found, open = lib.firmware_secrets(img)
      local how = lib.probed("firmware", tostring(img.id) .. (fw and (", " .. tostring(fw.files)
          .. " files") or ""))
      if not fw then
        units:add("a", "INCONCLUSIVE", found, how)
      else
        assay.evidence("sbom-" .. tostring(img.id):gsub("[^%w%._%-]", "_") .. ".cdx.json", fw.sbom or "")
        for _, f in ipairs(found) do
          units:add("a", "FAIL", "firmware " .. tostring(img.id) .. ": " .. f
              .. " (a stored security parameter readable from the image)", how)
        end
        if #open > 0 then
          units:add("a", "INCONCLUSIVE", "firmware " .. tostring(img.id)
              .. " not fully analysed: " .. table.concat(open, "; "), how)
        end
        if #found == 0 and #open == 0 then
          lib.review(units, "a", "firmware " .. tostring(img.id) .. " (" .. tostring(fw.files)
              .. " files) holds no private key in clear, no lab credential, no default pair "
              .. "and no crackable account; compare each declared protection scheme with the "
              .. "device's storage: " .. table.concat(schemes, "; "))
        end
      end
    end
    return units:settle("")
  end,
}
