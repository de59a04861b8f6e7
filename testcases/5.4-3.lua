-- Test group 5.4-3: critical security parameters hard-coded in the
-- device's software source are not used in operation.
group "5.4-3"

local ITEM = "10-SecParam"

-- The critical entries (type=critical), those declared hard-coded
-- (hard-coded=true, not unique per device: in the source every device
-- runs), and the entries
-- whose type or hard-coded fact is absent.
local function critical()
  local crit, hard, unknown = {}, {}, {}
  for _, e in ipairs(lib.entries(ITEM)) do
    local t, hc = lib.fact(e, "type"), lib.fact(e, "hard-coded")
    if t == nil or (t == "critical" and hc == nil) then unknown[#unknown + 1] = e
    elseif t == "critical" then
      crit[#crit + 1] = e
      -- hard-coded and unique per device is an identity (5.4-2), not a
      -- value of the source code, which every device shares (5.4.3.0).
      if hc and lib.fact(e, "unique-per-device") ~= true then hard[#hard + 1] = e end
    end
  end
  return crit, hard, unknown
end

-- The free texts that must not contradict a "not hard-coded" fact.
local DOUBT = { "Description", "Provisioning Mechanism", "Generation Mechanism" }

-- Records `letter` PASS with `rule` over the critical entries `crit`,
-- unless the free text of one of them casts doubt on its facts ("the same
-- key in every unit", a placeholder, not English): then REVIEW_PENDING
-- (lib.fact_pass) for the first such entry.
local function vacuous_pass(units, letter, crit, rule)
  for _, e in ipairs(crit) do
    for _, f in ipairs(DOUBT) do
      if lib.text_doubt(lib.field(e, f)) then
        lib.fact_pass(units, letter, e, DOUBT, rule)
        return
      end
    end
  end
  units:add(letter, "PASS", rule, lib.FACTS)
end

-- 1-AuthMech entries whose authentication value is fixed in the software
-- (password-set-by=pre-installed-shared or password-generation=fixed).
local function fixed_auth()
  local out = {}
  for _, e in ipairs(lib.entries("1-AuthMech")) do
    if lib.fact(e, "password-set-by") == "pre-installed-shared" or
        lib.fact(e, "password-generation") == "fixed" then
      out[#out + 1] = e.id
    end
  end
  return out
end

-- Units (TS 103 701): a) each critical parameter whose provisioning says
-- it is hard-coded in the source is described as such; b) for each such
-- parameter the provisioning mechanism keeps it out of use in operation.
--
-- Rules.  type or hard-coded absent on an entry -> IXIT_MISSING.  a: a
-- 1-AuthMech value fixed in the software (pre-installed-shared, or
-- generation fixed) while no critical entry is declared hard-coded FAILs
-- (an undeclared hard-coded critical parameter); per critical hard-coded
-- entry an absent or placeholder Description FAILs, else REVIEW_PENDING
-- quoting it.  No critical entry hard-coded and no such contradiction ->
-- PASS by facts (lib.fact_pass over Description, Provisioning and
-- Generation Mechanism: negating, placeholder or non-English text
-- withholds it).  b: per critical hard-coded entry, an
-- absent or placeholder "Provisioning Mechanism" FAILs (nothing replaces
-- the value); otherwise REVIEW_PENDING: whether it ensures the value is
-- replaced before operation is a person's call.  None hard-coded ->
-- vacuous PASS by the same facts.
testcase {
  id = "5.4-3-1",
  type = "conceptual",
  ixit = { "10-SecParam" },
  purpose = "Critical parameters hard-coded in the software source are declared and their provisioning keeps them out of use in operation.",
  units = {
    a = {
      criterion = "Every critical parameter that is built into the software source is documented as such in its description.",
      rule = "A fixed or shared 1-AuthMech value with no hard-coded critical entry FAILs; an empty Description FAILs; none hard-coded: PASS by facts; else the assessor's call.",
      decided = "assessor",
    },
    b = {
      criterion = "For each critical parameter built into the source, its provisioning ensures the built-in value is not what the device uses in operation.",
      rule = "An absent or placeholder Provisioning Mechanism FAILs; none hard-coded: vacuous PASS by facts; otherwise the assessor's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local crit, hard, unknown = critical()
    for _, e in ipairs(unknown) do
      local f = lib.fact(e, "type") == nil and "type" or "hard-coded"
      units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, f))
      units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, f))
    end
    local fixed = fixed_auth()
    if #fixed > 0 and #hard == 0 then
      units:add("a", "FAIL", "1-AuthMech " .. lib.join(fixed) .. " declares an authentication "
          .. "value fixed in the software (pre-installed-shared or generation fixed), but no "
          .. "critical 10-SecParam entry is declared hard-coded")
    end
    for _, e in ipairs(hard) do
      local d, p = lib.field(e, "Description"), lib.field(e, "Provisioning Mechanism")
      if d == nil or lib.is_placeholder(d) then
        units:add("a", "FAIL", e.id .. " (critical, hard-coded): \"Description\" "
            .. (d and ("is a placeholder " .. lib.quote(d, 40)) or "absent"), d and lib.TEXT or nil)
      else
        lib.review(units, "a", e.id .. " (type=critical hard-coded=true): judge whether the "
            .. "Description " .. lib.quote(d, 200) .. " says it is hard-coded in the software "
            .. "source, as the provisioning " .. lib.quote(p or "(absent)", 100) .. " implies")
      end
      if p == nil or lib.is_placeholder(p) then
        units:add("b", "FAIL", e.id .. " (critical, hard-coded): \"Provisioning Mechanism\" "
            .. (p and ("is a placeholder " .. lib.quote(p, 40)) or "absent")
            .. ": nothing replaces the built-in value", p and lib.TEXT or nil)
      else
        lib.review(units, "b", e.id .. " (type=critical hard-coded=true"
            .. (lib.fact(e, "unique-per-device") == false and " unique-per-device=false" or "")
            .. "): judge whether the provisioning " .. lib.quote(p, 200) .. " ensures the "
            .. "built-in value is replaced before the device is used")
      end
    end
    if #hard == 0 and #unknown == 0 then
      local rule = "vacuous: " .. #crit .. " critical parameter(s), each hard-coded=false"
          .. (#fixed == 0 and ", and no 1-AuthMech value fixed in software" or "")
          .. " (rule: a critical parameter is in the source iff declared hard-coded)"
      for _, l in ipairs({ "a", "b" }) do
        if not units:has(l) then vacuous_pass(units, l, crit, rule) end
      end
    end
    return units:settle("hard-coded critical parameters declared and replaced before use")
  end,
}

-- Unit a (TS 103 701): for each critical parameter hard-coded in the
-- source, the provisioning mechanism is really applied in operation.
--
-- With a firmware image in the lab set-up, Assay carves it with the lab's
-- credentials as declared secrets (assay.net.firmware).  A credential the
-- device accepts in operation (the set-up's, which the lab logs in with)
-- found in clear in the image, or an account whose hash verifies it, is a
-- hard-coded value in use -> FAIL.  Other clear secrets (a private key, a
-- default pair) go to the assessor, who compares them with what the device
-- uses after provisioning (REVIEW_PENDING); an analysis that hit a cap ->
-- INCONCLUSIVE.  No critical parameter declared hard-coded and nothing in
-- the image -> PASS vacuous by facts; without an image, hard-coded entries
-- -> REVIEW_PENDING naming the observation (provision the device as
-- declared, then check the built-in value is refused).  Stricter than the
-- text: a lab credential in the image FAILs even when no entry declares it.
testcase {
  id = "5.4-3-2",
  type = "functional",
  ixit = { "10-SecParam" },
  purpose = "Hard-coded critical parameters are replaced by the declared provisioning before the device is used.",
  units = {
    a = {
      criterion = "For each critical parameter built into the source, the device shows the declared provisioning really replaces it in operation.",
      rule = "A working lab credential found in the declared firmware image FAILs; none hard-coded and a clean image: vacuous PASS; otherwise the assessor's call.",
      decided = "assessor",
      reach = "artefact",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("firmware"))
    local crit, hard, unknown = critical()
    for _, e in ipairs(unknown) do
      units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, lib.fact(e, "type") == nil and "type"
          or "hard-coded"))
    end
    local others = {}
    for _, img in ipairs(lib.firmware_images()) do
      local fw, found, open = lib.firmware_secrets(img)
      local how = lib.probed("firmware", tostring(img.id))
      if not fw then
        units:add("a", "INCONCLUSIVE", found, how)
      else
        for _, f in ipairs(found) do
          local lab = false
          for _, c in ipairs(lib.credentials()) do
            if f:find("lab credential " .. c.id .. " ", 1, true) or
                f:find("verifies declared:" .. c.id, 1, true) then lab = true end
          end
          if lab then
            units:add("a", "FAIL", "firmware " .. tostring(img.id) .. ": " .. f
                .. ": a value built into every device's software is the one the device "
                .. "accepts in operation", how)
          else
            others[#others + 1] = "firmware " .. tostring(img.id) .. ": " .. f
          end
        end
        if #open > 0 then
          units:add("a", "INCONCLUSIVE", "firmware " .. tostring(img.id)
              .. " not fully analysed: " .. table.concat(open, "; "), how)
        end
      end
    end
    if #others > 0 then
      lib.review(units, "a", "the firmware gives away in clear: " .. table.concat(others, "; ")
          .. ": check that none of these is what the device uses after provisioning")
    end
    local list = {}
    for _, e in ipairs(hard) do
      list[#list + 1] = e.id .. " (provisioning " .. lib.quote(lib.field(e,
          "Provisioning Mechanism") or "(absent)", 120) .. ")"
    end
    if #hard > 0 then
      lib.review(units, "a", "provision the device as declared and check the built-in value "
          .. "is then refused (a login with it fails, a key no longer presented) for: "
          .. table.concat(list, "; ")
          .. (#lib.firmware_images() == 0 and "; no firmware image in the lab set-up" or ""))
    elseif not units:has("a") then
      vacuous_pass(units, "a", crit, "vacuous: no critical parameter declared hard-coded ("
          .. #crit .. " critical, each hard-coded=false)"
          .. (#lib.firmware_images() > 0 and " and the firmware image holds no secret in clear"
          or ""))
    end
    return units:settle("no hard-coded critical parameter in use")
  end,
}
