-- Test group 5.8-1: personal data travels confidentially between the
-- device and services.  Only the functional test case is here (5.8-1-1 is
-- issue 14).
group "5.8-1"

-- 5.8-1-2 a: 5.5-1-2's checks (lib.check_channels) for the 11-ComMech
-- entries a 21-PersData entry refers to and, stricter than the text,
-- those whose `carries` names personal-data or sensitive-personal-data.
-- A <watch> of kind personal-data or sensitive-personal-data seen in
-- clear anywhere the gateway observes FAILs with its frames; a selected
-- outbound channel seen only encrypted PASSes; no traffic INCONCLUSIVE.
-- 21-PersData empty with no channel carrying personal data ->
-- IXIT_MISSING; personal data declared but no channel named -> PASS,
-- vacuous (facts: it is not communicated).
testcase {
  id = "5.8-1-2",
  type = "functional",
  ixit = { "11-ComMech", "21-PersData" },
  purpose = "Channels carrying personal data use the declared cryptography; no watched personal data is seen in clear.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "Channels over which personal data is exchanged with services are seen to use the cryptography their IXIT entries describe.",
      rule = "5.5-1-2's rules on the channels 21-PersData names or that carry personal data; a watched personal-data value in clear FAILs with frames; no traffic INCONCLUSIVE.",
      decided = "automatic",
      reach = "network",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("tls_enumerate, tls_handshake, intercept, observe"))
    local pd = lib.entries("21-PersData")
    local selected, set = lib.channels_referenced("21-PersData", function() return true end)
    lib.channels_carrying(selected, set, { "personal-data", "sensitive-personal-data" })
    if #pd == 0 and #selected == 0 then
      return units:stop("INCONCLUSIVE", "IXIT_MISSING:21-PersData/-/-: no personal data "
          .. "declared", lib.FACTS)
    end
    local kinds = { ["personal-data"] = true, ["sensitive-personal-data"] = true }
    return lib.apply_comm(units, selected, kinds, "no 21-PersData entry names a "
        .. "communication mechanism and no channel carries personal data",
        #selected .. " channel(s) carrying personal data use the declared cryptography")
  end,
}
