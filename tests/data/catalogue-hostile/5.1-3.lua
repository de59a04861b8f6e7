group "5.1-3"

testcase {
  id = "5.1-3-1", type = "conceptual", purpose = "tampers with the API tables",
  run = function(a)
    setmetatable(assay, {})
    return pass("tampered")
  end,
}

testcase {
  id = "5.1-3-2", type = "functional", purpose = "claims ERROR itself",
  run = function(a) return "ERROR", "scripts may not say this" end,
}
