-- Test group 5.12-3: the manufacturer guides users to check whether the
-- device is set up securely.
group "5.12-3"

local CHECK = "Documentation of Setup Check"

-- 5.12-3-1 (TS 103 701): a) set the device up with an example
-- configuration (an insecure one on purpose helps); b) every step of
-- checking that the device is securely set up is in the setup-check
-- documentation of 2-UserInfo; c) applying that check to the example
-- gives a sensible result.
--
-- a and c are the lab's observations on the device (c: Assay asks for a
-- secure and an insecure example, stricter than the unit's one example,
-- because only the pair shows the check tells them apart); b is the
-- assessor's reading of the documentation.  The documentation absent or
-- a placeholder FAILs all three, and so does a page on the device that
-- answers 404/410 or is empty (a page found is kept as evidence for the
-- person; its words never PASS).  Not automated: no structured form of a
-- setup check exists that a probe could run.
testcase {
  id = "5.12-3-1",
  type = "functional",
  ixit = { "2-UserInfo" },
  purpose = "The documented setup check can be applied to example configurations and tells a secure setup from an insecure one.",
  units = {
    a = {
      criterion = "The device is put into an example configuration, an insecure one among them, to exercise the setup check.",
      rule = "Documentation of Setup Check absent, a placeholder, or a page on the device that is missing or empty FAILs; otherwise the observation.",
      observation = "example-configuration",
      observe = "Configure the device once securely and once insecurely on purpose (e.g. a weak password, updates off); record both configurations.",
      decided = "observation",
      reach = "physical",
    },
    b = {
      criterion = "Every step needed to check that the device is securely set up is described in the setup-check documentation.",
      rule = "Documentation of Setup Check absent, a placeholder, or missing or empty on the device FAILs; otherwise a person's call.",
      decided = "assessor",
      reach = "physical",
    },
    c = {
      criterion = "Carrying out the documented check on the example configuration gives an outcome, and that outcome is plausible.",
      rule = "Documentation absent, a placeholder, or missing or empty on the device FAILs; otherwise the observation (the secure example judged secure, the insecure one not).",
      observation = "setup-check-outcome",
      observe = "Run the documented check on each example configuration and record its outcome: the secure one must be reported secure, the insecure one not.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local e
    for _, x in ipairs(lib.entries("2-UserInfo")) do
      if lib.field(x, CHECK) ~= nil then e = x break end
    end
    e = e or lib.entries("2-UserInfo")[1]
    if e == nil then
      return units:stop("FAIL", "2-UserInfo declares no entry: no " .. CHECK)
    end
    local ok = true
    for _, l in ipairs({ "a", "b", "c" }) do
      ok = lib.require_text(units, l, "2-UserInfo", e, { CHECK }, ": no setup-check guidance") and ok
    end
    if not ok then return units:settle("") end
    local doc = lib.quote_fields(e, { CHECK }, 200)
        .. lib.fetch_doc(units, { "a", "b", "c" }, e, CHECK, "setup-check-doc.html")
    lib.review(units, "b", "judge whether " .. doc .. " describes every step of checking "
        .. "that the device is securely set up, so that a user can repeat it")
    return lib.manual(units, { "a", "c" }, doc)
  end,
}
