-- The Lua shape of IXIT facts and of the lab set-up file (docs/facts.md),
-- checked against the example forms: PASS when every value has the type
-- and value the contract promises, else FAIL naming the first mismatch.
group "4-1"

local function check(a)
  local web = a.ixit.items["1-AuthMech"][1]
  local f = web.facts
  if web.id ~= "auth-web" then return "first 1-AuthMech entry is " .. tostring(web.id) end
  if f.factor ~= "password" then return "factor: " .. tostring(f.factor) end
  if f["user-auth"] ~= true then return "user-auth is not the boolean true" end
  if math.type(f["password-length"]) ~= "integer" or f["password-length"] ~= 12 then
    return "password-length: " .. tostring(f["password-length"])
  end
  if type(f["brute-force"]) ~= "table" or f["brute-force"][1] ~= "lockout" or
      #f["brute-force"] ~= 1 then
    return "brute-force is not { \"lockout\" }"
  end
  if f.colour ~= nil then return "an absent fact is not nil" end
  local ui = a.ixit.items["2-UserInfo"][1].facts
  if ui["support-period-end"] ~= "2031-12-31" then return "support-period-end" end
  local web_cm = a.ixit.items["11-ComMech"][1].facts
  local v = web_cm["tls-versions"]
  if v[1] ~= "TLSv1.2" or v[2] ~= "TLSv1.3" or #v ~= 2 then return "tls-versions order" end
  local rtsp = a.ixit.items["11-ComMech"][3].facts
  if type(rtsp.guarantees) ~= "table" or #rtsp.guarantees ~= 0 then
    return "empty guarantees is not an empty array"
  end
  if next(a.ixit.items["3-VulnTypes"][1].facts) ~= nil then
    return "an entry without facts has a non-empty facts table"
  end
  local s = a.setup
  if s.addresses[1] ~= "127.0.0.1" then return "setup.addresses[1]" end
  if s.budget.max_connections ~= 64 or s.budget.max_rate ~= 1000000 then return "setup.budget" end
  local c = s.credentials[1]
  if c.id ~= "web-admin" or c.service ~= "web" or c.username ~= "admin" or
      c.origin ~= "pre-installed" or type(c.password) ~= "string" then
    return "setup.credentials[1]"
  end
  if s.credentials[2].origin ~= "lab" then return "default origin" end
  if a.ixit.addresses ~= nil or a.ixit.credentials ~= nil or a.ixit.budget ~= nil then
    return "assay.ixit still has addresses, credentials or budget"
  end
  if a.ixit.service_by_id.rtsp.address ~= "127.0.0.1" then return "service address" end
  return nil
end

testcase {
  id = "4-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/data).", decided = "facts" } }, type = "conceptual", purpose = "entry.facts and assay.setup have the documented shape",
  run = function(a)
    local why = check(a)
    if why then return fail(why) end
    return pass("facts and set-up as documented")
  end,
}
