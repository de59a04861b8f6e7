-- Resource limits on evidence (tests/e2e_evidence_limits.sh, issue 11
-- defect 6): a name with a NUL byte is a bug of the test case (ERROR),
-- never a file named by its prefix; a test case that saves without end
-- meets the per-test-case artefact cap as a value it can judge.
group "5.6-1"

testcase {
  id = "5.6-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "saves evidence under a name with a NUL byte",
  run = function(a)
    a.evidence("a\0b", "x")
    return pass("not reached")
  end,
}

testcase {
  id = "5.6-1-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "saves 16 MiB artefacts until refused",
  run = function(a)
    local chunk = string.rep("A", 16 * 1024 * 1024)
    for i = 1, 40 do
      local ok, err = a.evidence("blob" .. i, chunk)
      if not ok then
        return inconclusive("refused after " .. (i - 1) .. " artefacts: " .. tostring(err))
      end
    end
    return pass("640 MiB saved: no cap")
  end,
}
