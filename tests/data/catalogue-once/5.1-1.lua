-- assay.once: the same key as 4-1-1 (one value for both); an error or an
-- unkeepable value is not kept.
group "5.1-1"

testcase {
  id = "5.1-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "assay.once shares a value",
  run = function(a)
    local v = assay.once("shared token", function()
      assay.sleep(300)
      return { at = assay.now_ms(), list = { 1, "two", true }, by = a.testcase.id }
    end)
    return pass("token " .. v.at .. " " .. v.by .. " " .. #v.list)
  end,
}

testcase {
  id = "5.1-1-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, c = { criterion = "Unit c of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "assay.once keeps no error and no function",
  run = function(a)
    local ok = pcall(assay.once, "fails first", function() error("boom") end)
    if ok then return fail("the error inside fn was not raised") end
    local v = assay.once("fails first", function() return { second = true } end)
    if not v.second then return fail("the key was kept after an error") end
    local w = assay.once("a function", function() return { f = function() end } end)
    if type(w.f) ~= "function" then return fail("the computing caller lost its own value") end
    local again = assay.once("a function", function() return { computed = "again" } end)
    if again.computed ~= "again" then return fail("an unkeepable value was kept") end
    if pcall(assay.once, "", function() end) then return fail("an empty key was taken") end
    return pass("errors and unkeepable values are not kept")
  end,
}
