-- Test group 5.1-1: no universal default passwords.  Outside the factory
-- default state, every password must be unique per device or user-defined.
group "5.1-1"

local universal = { "same for all", "same password", "universal", "common to all",
    "identical", "fixed", "hard-coded", "hardcoded", "static default", "shared default",
    "factory default password for all" }
local unique = { "unique", "per device", "per-device", "random", "individual",
    "independent draw", "/dev/urandom", "csprng" }

testcase {
  id = "5.1-1-1",
  type = "conceptual",
  ixit = { "1-AuthMech" },
  purpose = "Non-user-defined passwords used outside factory default are unique per device.",
  run = function(a)
    local units, judged, open = {}, {}, {}
    for _, e in ipairs(lib.entries("1-AuthMech")) do
      if lib.is_password(e) and not lib.is_user_defined(e) then
        local gen = lib.field(e, "Password Generation Mechanism")
        if gen == nil then
          open[#open + 1] = lib.missing("1-AuthMech", e, "Password Generation Mechanism")
        elseif lib.mentions(gen, universal) then
          lib.unit(units, "a", "FAIL", string.format(
              "mechanism %s: generation \"%s\" does not give each device its own password",
              e.id, gen))
        elseif lib.mentions(gen, unique) then
          judged[#judged + 1] = e.id
        else
          open[#open + 1] = "mechanism " .. e.id .. ": the assessor must judge whether \""
              .. gen .. "\" yields a password unique to each device"
        end
      end
    end
    if #open > 0 then
      lib.unit(units, "a", "INCONCLUSIVE", table.concat(open, "; "))
    end
    if #units == 0 then
      if #judged == 0 then
        lib.unit(units, "a", "PASS", "vacuous: no non-user-defined password in 1-AuthMech")
        return pass("every declared password is user-defined (or none is used)")
      end
      lib.unit(units, "a", "PASS", "unique per device: " .. lib.join(judged))
    end
    return lib.settle(units, "non-user-defined passwords are declared unique per device ("
        .. lib.join(judged) .. ")")
  end,
}

-- Services that 1-AuthMech declares password mechanisms on.
local function declared_mechanisms()
  local by_service = {}
  for _, e in ipairs(lib.entries("1-AuthMech")) do
    for _, s in ipairs(lib.services(e)) do by_service[s.id] = e end
  end
  return by_service
end

-- Lists of universal default credentials tried on every password service.
local default_lists = { "mirai", "iot-defaults" }

-- The Mirai list as {user, password} pairs.
local function mirai()
  local text, err = assay.data("mirai.txt")
  if not text then return nil, err end
  local pairs_ = {}
  for line in text:gmatch("[^\n]+") do
    if not line:find("^%s*#") then
      local u, p = line:match("^([^:]*):(.*)$")
      if u then pairs_[#pairs_ + 1] = { u, p } end
    end
  end
  return pairs_
end

testcase {
  id = "5.1-1-2",
  type = "functional",
  ixit = { "1-AuthMech" },
  purpose = "On the device: no undeclared password interface, no universal default accepted, defaults match the scheme.",
  run = function(a)
    local sweep, why = lib.sweep()
    if not sweep then return inconclusive(why) end
    local banner = lib.probe("banner")
    local mechs, units = declared_mechanisms(), {}
    -- a) undeclared password-protected interfaces.
    local undeclared = {}
    for _, port in ipairs(lib.undeclared_tcp(sweep)) do
      local b = banner and banner(lib.host(), port, { timeout_ms = 1500, max_bytes = 4096 })
      if b and lib.asks_password(b) then
        undeclared[#undeclared + 1] = "tcp/" .. port .. " (undeclared port asking for a login)"
      end
    end
    for _, s in ipairs(assay.ixit.services) do
      if mechs[s.id] == nil and lib.password_protected(s) then
        undeclared[#undeclared + 1] = s.id .. " (" .. s.protocol .. "/" .. s.port
            .. ", no 1-AuthMech entry)"
      end
    end
    if #undeclared > 0 then
      lib.unit(units, "a", "FAIL", "password interfaces missing from 1-AuthMech: " .. lib.join(undeclared))
    else
      lib.unit(units, "a", "PASS", "every password-protected interface found is declared")
    end
    -- b) no universal default credential is accepted.
    local accepted, tried, unreachable = {}, 0, {}
    local try = lib.probe("try_credentials")
    for id, e in pairs(mechs) do
      local s = assay.ixit.service_by_id[id]
      local kind = ({ telnet = "telnet", ssh = "ssh", http = "http-basic",
          https = "http-basic" })[s.protocol]
      local auth, no = true, nil
      if s.protocol == "http" or s.protocol == "https" then auth, no = lib.http_auth(s) end
      if not auth then
        unreachable[#unreachable + 1] = id .. ": " .. tostring(no)
      elseif try and kind then
        for _, list in ipairs(default_lists) do
          local r, err = try({ service = kind, host = s.address, port = s.port,
              url = string.format("%s://%s:%d%s", s.protocol, s.address, s.port, s.path or "/"),
              list = list, stop_on_success = true })
          if not r then
            unreachable[#unreachable + 1] = id .. ": " .. err
            break
          elseif r.unreached == r.attempts then
            unreachable[#unreachable + 1] = id .. ": " .. (r.last_error or "no answer")
            break
          end
          tried = tried + r.attempts
          for _, pair in ipairs(r.accepted) do
            accepted[#accepted + 1] = string.format("%s accepts the universal default %s:%s "
                .. "(%s list)", id, pair[1], pair[2], list)
          end
          if #r.accepted > 0 then break end
        end
      elseif s.protocol == "mqtt" or s.protocol == "mqtts" then
        local list, err = mirai()
        if not list then
          unreachable[#unreachable + 1] = id .. ": " .. err
        else
          for _, pair in ipairs(list) do
            local ok, detail = lib.login(s, pair[1], pair[2])
            if ok == nil then
              unreachable[#unreachable + 1] = id .. ": " .. tostring(detail)
              break
            end
            tried = tried + 1
            if ok then
              accepted[#accepted + 1] = string.format("%s accepts the universal default %s:%s",
                  id, pair[1], pair[2])
              break
            end
          end
        end
      end
    end
    if #accepted > 0 then
      lib.unit(units, "b", "FAIL", table.concat(accepted, "; "))
    elseif #unreachable > 0 then
      lib.unit(units, "b", "INCONCLUSIVE", "could not try defaults on " .. table.concat(unreachable, "; "))
    else
      lib.unit(units, "b", "PASS", tried .. " universal default credentials (Mirai and "
          .. "documented vendor defaults) rejected")
    end
    -- c) observed pre-installed passwords against the declared scheme.
    local checked = 0
    for _, c in ipairs(lib.credentials()) do
      local e = mechs[c.service]
      if e and lib.is_password(e) and not lib.is_user_defined(e) then
        local gen = lib.field(e, "Password Generation Mechanism") or ""
        local want = tonumber(gen:lower():match("(%d+)[%s%-]*char"))
        checked = checked + 1
        if want and #c.password ~= want then
          lib.unit(units, "c", "FAIL", string.format("%s: the device password has %d characters, "
              .. "the declared scheme %d", c.id, #c.password, want))
        end
      end
    end
    if checked == 0 then
      lib.unit(units, "c", "PASS", "vacuous: no pre-installed password among the lab credentials")
    end
    return lib.settle(units, "no undeclared password interface, no universal default accepted")
  end,
}
