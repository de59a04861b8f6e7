-- Test group 5.5-3: cryptographic algorithms and primitives can be updated.
group "5.5-3"

local ITEM = "6-SoftComp"

-- 5.5-3-1, for each 6-SoftComp component whose "Cryptographic Usage" says
-- it provides cryptography (the field present, not a placeholder and not
-- "none"/"no"):
--   a) it refers to a 7-UpdMech entry (<ref item="7-UpdMech">): PASS by
--      reference, unless its "Update Mechanism" text casts doubt on it
--      (lib.fact_pass: REVIEW_PENDING); no reference FAILs;
--   b) whether the side effects of updating its cryptography were
--      considered is REVIEW_PENDING quoting the field.
-- A component without the field: IXIT_MISSING (unknown is not "no").
-- Stricter than the text: no component with cryptographic usage while the
-- IXIT declares cryptography in use (an 11-ComMech channel with security
-- tls/dtls/ssh, a 7-UpdMech authenticity=signature/mac) FAILs both units:
-- some component provides it and is not declared.
testcase {
  id = "5.5-3-1",
  type = "conceptual",
  ixit = { "6-SoftComp" },
  purpose = "Components providing cryptography are updatable, and the side effects of updating it were considered.",
  units = {
    a = {
      criterion = "Each software component stated to provide or use cryptography refers to an update mechanism by which it can be updated.",
      rule = "PASS iff it refers to a 7-UpdMech entry (doubtful Update Mechanism text: a person's call); no reference FAILs; no crypto component while crypto is declared in use FAILs.",
      decided = "facts",
    },
    b = {
      criterion = "For each such component, the manufacturer has considered what updating its cryptography may break, such as stored data or hardware that cannot follow.",
      rule = "An empty or placeholder Cryptographic Usage FAILs; whether side effects were considered is a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local entries = lib.entries(ITEM)
    local crypto = {}
    for _, e in ipairs(entries) do
      local u = lib.field(e, "Cryptographic Usage")
      if u == nil then
        units:add("a", "INCONCLUSIVE", lib.missing(ITEM, e, "Cryptographic Usage"))
        units:add("b", "INCONCLUSIVE", lib.missing(ITEM, e, "Cryptographic Usage"))
      elseif lib.is_placeholder(u) and not lib.is_none(u) then
        units:add("a", "INCONCLUSIVE", e.id .. ": \"Cryptographic Usage\" is "
            .. lib.quote(u) .. ": whether it provides cryptography is not stated", lib.TEXT)
        units:add("b", "FAIL", e.id .. ": \"Cryptographic Usage\" is " .. lib.quote(u)
            .. ": no consideration of update side effects stated", lib.TEXT)
      elseif not lib.is_none(u) then
        crypto[#crypto + 1] = e
      end
    end
    if #crypto == 0 and not units:has("a") then
      local uses = {}
      for _, c in ipairs(lib.entries("11-ComMech")) do
        local s = lib.fact(c, "security")
        if s == "tls" or s == "dtls" or s == "ssh" then uses[#uses + 1] = c.id .. " security=" .. s end
      end
      for _, m in ipairs(lib.entries("7-UpdMech")) do
        local s = lib.fact(m, "authenticity")
        if s == "signature" or s == "mac" then uses[#uses + 1] = m.id .. " authenticity=" .. s end
      end
      if #uses > 0 then
        return units:stop("FAIL", "no 6-SoftComp component states cryptographic usage, "
            .. "although the IXIT declares cryptography in use (" .. lib.join(uses)
            .. "): the component providing it is not declared, so its updatability "
            .. "cannot be judged")
      end
      local v = "vacuous: no component provides cryptography and the IXIT declares none in "
          .. "use (no tls/dtls/ssh channel, no signed updates)"
      units:rest("PASS", v)
      return units:settle(v)
    end
    local upd = {}
    for _, m in ipairs(lib.entries("7-UpdMech")) do upd[m.id] = true end
    for _, e in ipairs(crypto) do
      local refs = {}
      for _, r in ipairs(e.refs or {}) do
        if r.item == "7-UpdMech" and upd[r.entry] then refs[#refs + 1] = r.entry end
      end
      if #refs == 0 then
        units:add("a", "FAIL", e.id .. ": provides cryptography ("
            .. lib.quote(lib.field(e, "Cryptographic Usage"), 120) .. ") but refers to no "
            .. "update mechanism (7-UpdMech): its cryptography cannot be updated")
      else
        lib.fact_pass(units, "a", e, { "Update Mechanism" }, e.id .. ": provides cryptography "
            .. "and refers to update mechanism " .. lib.join(refs))
      end
      lib.review(units, "b", e.id .. ": does " .. lib.quote(lib.field(e, "Cryptographic Usage"))
          .. " show that the side effects of updating its algorithms (stored data, keys, "
          .. "peers or hardware that cannot follow) were considered?")
    end
    return units:settle(#crypto .. " component(s) providing cryptography are updatable")
  end,
}
