-- Test group 5.9-1: devices and services are resilient to outages of
-- data networks and of power.
group "5.9-1"

-- 5.9-1-1 (TS 103 701: a) the mechanisms of 23-ResMech together suit
-- network and power outages given their "Security Guarantees"; b) each
-- mechanism's "Description" suits its guarantees).
--
-- Rules (lib.resilience_review):
--   23-ResMech empty -> a, b FAIL (the ICS claims the provision, so the
--     IXIT is incomplete);
--   an entry without `outages` -> a IXIT_MISSING;
--   no entry with outages=network or cloud, or none with outages=power ->
--     a FAIL (the unit asks about both kinds of outage);
--   "Security Guarantees" or "Description" empty or a placeholder -> FAIL;
--   otherwise both units are the assessor's (REVIEW_PENDING quoting the
--     texts): whether a mechanism is appropriate is a judgement.
-- Stricter than the text: a FAILs from the facts alone when one kind of
-- outage is covered by no mechanism; TS 103 701 leaves that to the TL.
testcase {
  id = "5.9-1-1",
  type = "conceptual",
  ixit = { "23-ResMech" },
  purpose = "The resilience mechanisms suit network and power outages and each can achieve its guarantees.",
  units = {
    a = {
      criterion = "Taken together, the declared resilience mechanisms are suitable to protect the device against losing network connectivity and losing power, as their guarantees say.",
      rule = "No mechanism, none against network (network/cloud) or none against power outages, or no guarantees text FAILs; otherwise a person's call.",
      decided = "assessor",
    },
    b = {
      criterion = "Each declared resilience mechanism, as described, is suitable to deliver the guarantees declared for it.",
      rule = "An empty or placeholder Description or Security Guarantees FAILs; otherwise a person's call per mechanism.",
      decided = "assessor",
    },
  },
  run = function(a)
    local units = lib.units(lib.FACTS)
    lib.resilience_review(units, "a", "b")
    return units:settle("")
  end,
}

-- 5.9-1-2 (TS 103 701: a) interrupt the network and check the mechanisms
-- work as 23-ResMech describes; b) the same for the power supply).
--
-- a, automated at the lab gateway (assay.net.outage): for each mechanism
-- with outages=network or cloud, Assay stands in for the outbound channel
-- it refers to (else the first outbound mqtt(s)/http(s) channel), waits
-- for the device to connect, asks the declared local function
-- (local-service, local-path, local-expect; lab credential), cuts the
-- endpoint for 6 client cycles, 6..12 s (every connection reset), asks the local function
-- twice more, then serves the endpoint again.  One outage per run, of
-- every outbound channel at once, serves 5.9-1-2, 5.9-2-2 and 5.9-3-2
-- (lib.channel_outage): the first of them to run makes it, the others
-- read its record.
--   the local function answers otherwise than declared during the cut ->
--     FAIL; the device not back within reconnect-max-s (+3 s; 30 s when
--     undeclared) -> FAIL;
--   it does not work before the cut, does not answer during it, or the
--     device never tried the endpoint while cut -> INCONCLUSIVE;
--   no local function declared -> IXIT_MISSING; local-operation=false ->
--     nothing local to check (PASS; 5.9-2-1 b judges that declaration);
--   no lab gateway -> INCONCLUSIVE.
-- b needs a person at the power switch: observation `power-cut-resilience`.
-- Looser than the text: "the network" is the cloud endpoint, not the
-- device's link (DNS keeps answering; the LAN stays up, so the local
-- function can be asked), and only one channel per mechanism is cut.
-- Stricter: a device that does not come back after the outage FAILs a.
testcase {
  id = "5.9-1-2",
  type = "functional",
  ixit = { "23-ResMech", "11-ComMech" },
  purpose = "With the cloud cut at the lab gateway and the power cut by hand, the resilience mechanisms behave as declared.",
  exclusive = "gateway",
  units = {
    a = {
      criterion = "While the device's network connection is interrupted, its resilience mechanisms are seen to behave as their IXIT entries describe.",
      rule = "Cloud endpoint cut 6 client cycles (6..12 s) at the gateway: the declared local function must keep answering as declared and the device reconnect in time; else FAIL.",
      decided = "automatic",
      reach = "network",
    },
    b = {
      criterion = "While the device's power supply is interrupted and restored, its resilience mechanisms are seen to behave as their IXIT entries describe.",
      observation = "power-cut-resilience",
      observe = "Cut the device's power for 30 s, restore it, and record whether each 23-ResMech mechanism against power loss behaves as its Description and Security Guarantees say.",
      decided = "observation",
      reach = "physical",
    },
  },
  run = function(a)
    local units = lib.units(lib.probed("outage, http_request"))
    lib.outage_local(units, "a", true)
    return lib.manual(units, { "b" })
  end,
}
