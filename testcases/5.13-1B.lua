-- Test group 5.13-1B (EN 303 645 V3.1.3): data entering the device's
-- application layer through network interfaces is validated.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.13-1 into 5.13-1A (user interfaces) and 5.13-1B
-- (network interfaces), and TS 103 701 V1.1.1 covers V2.1.1 only.  Assay
-- wrote this test case from the V3.1.3 provision summary
-- (spec/en303645_v3.1.3_provisions.csv) and derives its units from TS 103
-- 701's 5.13-1-1 (coverage of every input source, and each method's
-- effectiveness), narrowed to the network inputs: the APIs of 28-ExtAPI
-- and the remotely reachable channels of 11-ComMech.  The report marks it
-- Assay-defined.
group "5.13-1B"

local API, COMM, VAL = "28-ExtAPI", "11-ComMech", "29-InpVal"
local METHOD, SOURCE = "validation method", "data input source covered"

-- The network inputs: every 28-ExtAPI entry and every 11-ComMech channel
-- declared remote=true (inbound or outbound: both bring data in).
local function network_inputs()
  local out = {}
  for _, e in ipairs(lib.entries(API)) do out[#out + 1] = { item = API, e = e } end
  for _, e in ipairs(lib.entries(COMM)) do
    if lib.fact(e, "remote") == true then out[#out + 1] = { item = COMM, e = e } end
  end
  return out
end

-- 5.13-1B-1: a) the validation methods of 29-InpVal, taken together,
-- reach every network input; b) each method that reaches a network input
-- suits the input it checks.
--
-- a: as 5.13-1-1 a over the network inputs only: covered when a 29-InpVal
-- entry refers to it (<ref item= entry=>); all covered PASS (facts); one
-- uncovered FAILs when every 29-InpVal entry names its sources by
-- reference, else a person reads the text-only methods (never a PASS from
-- text).  No network input while the IXIT declares services FAILs (a
-- listening service takes input: the IXIT is incomplete); none and no
-- service: a person confirms.  Inputs declared and 29-InpVal empty FAILs.
-- b: each 29-InpVal entry that refers to a network input, or to nothing
-- (text only): absent or placeholder method FAILs; otherwise a person's
-- call.  Methods only for user interfaces belong to 5.13-1A-1.
testcase {
  id = "5.13-1B-1",
  type = "conceptual",
  ixit = { COMM, API, VAL },
  purpose = "The declared input validation reaches every API and remote channel and suits the input it checks.",
  units = {
    a = {
      criterion = "Every network input through which data enters the device's application layer (APIs, remotely reachable channels) is reached by some declared validation method.",
      rule = "PASS iff each 28-ExtAPI and remote 11-ComMech entry is referred to by a 29-InpVal entry; one not referred to FAILs (text-only methods: a person's call); none while services are declared FAILs.",
      decided = "facts+assessor",
    },
    b = {
      criterion = "Each validation method applied to network input suits that input (its format, range, length and sequence).",
      rule = "Method absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local src, vals = network_inputs(), lib.entries(VAL)
    local covered, textual, mine = {}, {}, {}
    for _, v in ipairs(vals) do
      local n, here = 0, false
      for _, ref in ipairs(v.refs or {}) do
        if ref.entry then
          n = n + 1
          covered[tostring(ref.item) .. "/" .. ref.entry] = v.id
          if ref.item == API or ref.item == COMM then here = true end
        end
      end
      if n == 0 then textual[#textual + 1] = v end
      if here or n == 0 then mine[#mine + 1] = v end
    end
    if #src == 0 then
      if #assay.ixit.services > 0 then
        units:add("a", "FAIL", "no network input declared (28-ExtAPI empty, no remote "
            .. "11-ComMech channel) while the IXIT declares " .. #assay.ixit.services
            .. " service(s): the IXIT is incomplete")
      else
        lib.review(units, "a", "the IXIT declares no network input and no service: confirm "
            .. "the device takes no data over a network")
      end
    elseif #vals == 0 then
      units:add("a", "FAIL", "29-InpVal declares no validation method for " .. #src
          .. " network input(s)")
    else
      local missing, ok = {}, {}
      for _, s in ipairs(src) do
        local k = s.item .. "/" .. s.e.id
        if covered[k] then ok[#ok + 1] = k .. " by " .. covered[k]
        else missing[#missing + 1] = k end
      end
      if #missing == 0 then
        units:add("a", "PASS", "every network input is referred to by a 29-InpVal entry: "
            .. lib.join(ok))
      elseif #textual == 0 then
        units:add("a", "FAIL", "no 29-InpVal entry refers to " .. lib.join(missing))
      else
        local q = {}
        for _, v in ipairs(textual) do q[#q + 1] = lib.quote_fields(v, { METHOD, SOURCE }, 120) end
        lib.review(units, "a", "no 29-InpVal entry refers to " .. lib.join(missing)
            .. "; judge whether the methods described only in text cover them: "
            .. table.concat(q, "; "))
      end
    end
    if #mine == 0 then
      if #src > 0 then
        units:add("b", "FAIL", "no 29-InpVal method applies to the network inputs")
      else
        units:add("b", "PASS", "vacuous: no network input and no method for one declared")
      end
    end
    for _, v in ipairs(mine) do
      if lib.require_text(units, "b", VAL, v, { METHOD }, ": a validation method not described") then
        lib.review(units, "b", "judge whether the method suits the network input it covers "
            .. "(format, range, length, sequence): "
            .. lib.quote_fields(v, { METHOD, SOURCE }, 200))
      end
    end
    return units:settle("validation reaches every network input and each method suits its input")
  end,
}
