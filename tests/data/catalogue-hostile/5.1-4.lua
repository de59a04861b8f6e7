group "5.1-4"

testcase {
  id = "5.1-4-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "deep recursion",
  run = function(a) local function f(n) return 1 + f(n + 1) end return pass(tostring(f(1))) end,
}

testcase {
  id = "5.1-4-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "reaches for the sandbox's forbidden libraries",
  run = function(a)
    local found = {}
    for _, n in ipairs({ "os", "io", "debug", "package", "require", "dofile", "loadfile",
        "collectgarbage" }) do
      if _G[n] ~= nil then found[#found + 1] = n end
    end
    if #found > 0 then return fail("available: " .. table.concat(found, ", ")) end
    return pass("none of the forbidden libraries is reachable")
  end,
}
