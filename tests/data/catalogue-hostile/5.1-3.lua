group "5.1-3"

testcase {
  id = "5.1-3-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "facts" }, c = { criterion = "Unit c of this test catalogue (tests/data).", decided = "facts" }, d = { criterion = "Unit d of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "tampers with the API tables",
  run = function(a)
    setmetatable(assay, {})
    return pass("tampered")
  end,
}

testcase {
  id = "5.1-3-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "claims ERROR itself",
  run = function(a) return "ERROR", "scripts may not say this" end,
}
