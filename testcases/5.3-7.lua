-- Test group 5.3-7: secure update mechanisms use best-practice
-- cryptography.
group "5.3-7"

-- 5.3-7-1 (TS 103 701), per 7-UpdMech mechanism: a) its security
-- guarantees suit secure updates (integrity and authenticity at least);
-- b) the mechanism as described achieves them; c) its cryptographic
-- details are best practice for updates (a reference catalogue such as
-- SOG-IS or ETSI TR 103 621, or the manufacturer's evidence); d) they are
-- not known to be open to a feasible attack.
--
-- a: lib.update_verification: authenticity=none, integrity=none or
-- integrity=hash without authenticity FAIL; absent facts IXIT_MISSING;
-- both checked (authenticity signature|mac, integrity signature|mac|hash)
-- -> PASS from facts (lib.fact_pass over "Security Guarantees").
-- b: "Description" absent or a placeholder FAILs, otherwise REVIEW_PENDING.
-- c, d: "Cryptographic Details" absent or a placeholder FAILs; otherwise
-- REVIEW_PENDING quoting it, naming deprecated primitives it mentions
-- (lib.weak_crypto_hints: a hint for the question, never a verdict).
-- 7-UpdMech empty -> FAIL (condition 12: a mechanism is implemented).
-- Stricter than the text on a: a hash the attacker can replace with the
-- image is no integrity guarantee against an attacker.
testcase {
  id = "5.3-7-1",
  type = "conceptual",
  ixit = { "7-UpdMech" },
  purpose = "Each update mechanism guarantees integrity and authenticity by a fitting design using best-practice cryptography without known feasible attacks.",
  units = {
    a = {
      criterion = "The security guarantees of each update mechanism suit secure updates: at least integrity and authenticity.",
      rule = "PASS iff authenticity is signature|mac and integrity signature|mac|hash; none, or a hash without authenticity, FAILs.",
      decided = "facts",
    },
    b = {
      criterion = "Each update mechanism, as its description tells it, is fit to deliver its stated security guarantees.",
      rule = "Description absent or a placeholder FAILs; fitness is a person's call.",
      decided = "assessor",
    },
    c = {
      criterion = "The cryptography of each update mechanism is best practice for updates by a reference catalogue, or justified by reliable evidence.",
      rule = "Cryptographic Details absent or a placeholder FAILs; otherwise a person's call, deprecated primitives named as hints.",
      decided = "assessor",
    },
    d = {
      criterion = "No feasible attack on the cryptography of each update mechanism is known for the property it must protect.",
      rule = "Cryptographic Details absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local mechs = lib.entries("7-UpdMech")
    if #mechs == 0 then
      return units:stop("FAIL", "7-UpdMech is empty although condition 12 (an update "
          .. "mechanism is implemented) holds")
    end
    for _, m in ipairs(mechs) do
      local v = lib.update_verification(m)
      for _, t in ipairs(v.missing) do units:add("a", "INCONCLUSIVE", t) end
      for _, f in ipairs(v.auth) do units:add("a", "FAIL", f) end
      for _, f in ipairs(v.integ) do units:add("a", "FAIL", f) end
      if #v.missing + #v.auth + #v.integ == 0 then
        lib.fact_pass(units, "a", m, { "Security Guarantees" }, m.id .. ": "
            .. lib.facts_text(m, { "authenticity", "integrity" })
            .. " (rule: the device checks both authenticity and integrity)")
      end
      if lib.require_text(units, "b", "7-UpdMech", m, { "Description" }) then
        lib.review(units, "b", m.id .. ": judge whether the mechanism as described achieves "
            .. "its guarantees: " .. lib.quote_fields(m, { "Description", "Security Guarantees" }, 200))
      end
      local crypto = lib.field(m, "Cryptographic Details")
      for _, l in ipairs({ "c", "d" }) do
        if lib.require_text(units, l, "7-UpdMech", m, { "Cryptographic Details" }) then
          local hints = lib.weak_crypto_hints(crypto)
          lib.review(units, l, m.id .. ": judge whether " .. (l == "c"
              and "the cryptography is best practice for secure updates (SOG-IS, ETSI TR 103 621; key sizes for the device's lifetime)"
              or "no feasible attack on the cryptography is known for the property it protects")
              .. ": " .. lib.quote(crypto, 240)
              .. (#hints > 0 and ("; it mentions " .. lib.join(hints) .. ": check whether used") or ""))
        end
      end
    end
    return units:settle(#mechs .. " update mechanism(s) judged best practice")
  end,
}
