-- Test group 5.1-4: a simple mechanism to change the authentication value.
group "5.1-4"

testcase {
  id = "5.1-4-1",
  type = "conceptual",
  ixit = { "1-AuthMech", "2-UserInfo" },
  purpose = "User documentation explains how to change the authentication value of every user authentication mechanism.",
  run = function(a)
    local docs = {}
    for _, e in ipairs(lib.entries("2-UserInfo")) do
      local d = lib.field(e, "Documentation of Change Mechanisms")
      if d and not lib.is_none(d) then docs[#docs + 1] = d end
    end
    local mechs = {}
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      if lib.is_user_auth(e) then mechs[#mechs + 1] = e.id end
    end
    if #mechs == 0 then
      a.unit("a", "PASS", "vacuous: no user authentication mechanism declared")
      return pass("vacuous: 1-AuthMech declares no user authentication mechanism")
    end
    if #docs == 0 then
      a.unit("a", "INCONCLUSIVE", "IXIT_MISSING:2-UserInfo/-/Documentation of Change Mechanisms")
      return inconclusive("the IXIT does not say where the documentation explains how to change "
          .. "the authentication values of " .. lib.join(mechs))
    end
    a.unit("a", "PASS", "documentation: " .. table.concat(docs, "; "))
    return pass("change of authentication value documented for " .. lib.join(mechs))
  end,
}

testcase {
  id = "5.1-4-2",
  type = "functional",
  ixit = { "1-AuthMech", "2-UserInfo" },
  purpose = "Changing each user authentication value as documented makes the old value fail and the new one work.",
  run = function(a)
    return lib.manual("change each user credential as documented and record that the old "
        .. "value is rejected and the new one accepted (--judgement 5.1-4-2=PASS|FAIL:...)",
        { "a", "b" })
  end,
}
