-- A device whose replies carry markup: the writers must escape it.
group "5.1-1"

testcase {
  id = "5.1-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "fails with markup from the device in reason and evidence",
  run = function(a)
    a.log("banner: <script>alert('log')</script>")
    a.evidence("banner.txt", "HTTP/1.0 200 OK\r\nServer: <script>alert('evidence')</script>\r\n\r\n")
    a.unit("a", "FAIL", "unit reason <img src=x onerror=alert(1)> & \"quotes\"")
    return fail("device banner: <script>alert('reason')</script> \xff\xfe invalid UTF-8")
  end,
}

testcase {
  id = "5.1-1-2", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b of this test catalogue (tests/data).", decided = "automatic", reach = "network" }, c = { criterion = "Unit c of this test catalogue (tests/data).", decided = "automatic", reach = "network" } }, type = "functional", purpose = "passes",
  run = function(a) return pass("fine") end,
}
