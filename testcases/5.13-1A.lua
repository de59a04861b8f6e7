-- Test group 5.13-1A (EN 303 645 V3.1.3): data entering the device's
-- application layer through user interfaces is validated.
--
-- ASSAY-DEFINED.  No ETSI test specification exists for this provision:
-- V3.1.3 split V2.1.1's 5.13-1 into 5.13-1A (user interfaces) and 5.13-1B
-- (network interfaces), and TS 103 701 V1.1.1 covers V2.1.1 only.  Assay
-- wrote this test case from the V3.1.3 provision summary
-- (spec/en303645_v3.1.3_provisions.csv) and derives its unit from TS 103
-- 701's 5.13-1-1 (coverage of every input source, and each method's
-- effectiveness), narrowed to the user interfaces of 27-UserIntf.  The
-- report marks it Assay-defined.
group "5.13-1A"

local UI, VAL = "27-UserIntf", "29-InpVal"
local METHOD, SOURCE = "validation method", "data input source covered"

-- 5.13-1A-1: a) the validation methods of 29-InpVal, taken together,
-- reach every user interface of 27-UserIntf; b) each method that reaches
-- a user interface suits the input it checks.
--
-- a: as 5.13-1-1 a over the 27-UserIntf entries only: an entry is covered
-- when a 29-InpVal entry refers to it (<ref item="27-UserIntf" entry=>);
-- all covered PASS (facts); one uncovered FAILs when every 29-InpVal
-- entry names its sources by reference, else a person reads the methods
-- described only in text (never a PASS from text).  No user interface
-- declared: a person confirms the device has none (a device always has
-- some way to be set up, so that is not a vacuous PASS).  Interfaces
-- declared and 29-InpVal empty FAILs.
-- b: each 29-InpVal entry that refers to a user interface, or refers to
-- nothing (text only): absent or placeholder method FAILs; otherwise a
-- person judges it.  Methods that refer only to network inputs belong to
-- 5.13-1B-1.
testcase {
  id = "5.13-1A-1",
  type = "conceptual",
  ixit = { UI, VAL },
  purpose = "The declared input validation reaches every user interface and suits the input it checks.",
  units = {
    a = {
      criterion = "Every user interface through which data enters the device's application layer is reached by some declared validation method.",
      rule = "PASS iff each 27-UserIntf entry is referred to by a 29-InpVal entry; one not referred to FAILs (methods described only in text: a person's call); none declared: a person confirms.",
      decided = "facts+assessor",
    },
    b = {
      criterion = "Each validation method applied to user-interface input suits that input (its format, range, length and sequence).",
      rule = "Method absent or a placeholder FAILs; otherwise a person's call.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    local uis, vals = lib.entries(UI), lib.entries(VAL)
    local covered, textual, mine = {}, {}, {}
    for _, v in ipairs(vals) do
      local n, here = 0, false
      for _, ref in ipairs(v.refs or {}) do
        if ref.entry then
          n = n + 1
          if ref.item == UI then covered[ref.entry] = v.id; here = true end
        end
      end
      if n == 0 then textual[#textual + 1] = v end
      if here or n == 0 then mine[#mine + 1] = v end
    end
    if #uis == 0 then
      lib.review(units, "a", "27-UserIntf declares no user interface: confirm the device takes "
          .. "no data through any user interface (buttons, app, web UI, voice)")
    elseif #vals == 0 then
      units:add("a", "FAIL", "29-InpVal declares no validation method for " .. #uis
          .. " user interface(s)")
    else
      local missing, ok = {}, {}
      for _, e in ipairs(uis) do
        if covered[e.id] then ok[#ok + 1] = e.id .. " by " .. covered[e.id]
        else missing[#missing + 1] = UI .. "/" .. e.id end
      end
      if #missing == 0 then
        units:add("a", "PASS", "every user interface is referred to by a 29-InpVal entry: "
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
      if #uis > 0 then
        units:add("b", "FAIL", "no 29-InpVal method applies to the user interfaces")
      else
        units:add("b", "PASS", "vacuous: no user interface and no method for one declared")
      end
    end
    for _, v in ipairs(mine) do
      if lib.require_text(units, "b", VAL, v, { METHOD }, ": a validation method not described") then
        lib.review(units, "b", "judge whether the method suits the user-interface input it "
            .. "covers (format, range, length, sequence): "
            .. lib.quote_fields(v, { METHOD, SOURCE }, 200))
      end
    end
    return units:settle("validation reaches every user interface and each method suits its input")
  end,
}
