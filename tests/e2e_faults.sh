#!/bin/bash
# e2e_faults.sh - allocation and I/O fault injection (issue 11, "make it
# permanent" 2; docs/faults.md): tests/faultsim.py fails the Nth
# allocation, and separately the Nth write/fsync/rename/mkdir, while
# loading the forms, running five conceptual test cases, and writing and
# signing the report, with ASan and LeakSanitizer on.  Every I/O point
# runs; allocation points are sampled (the first 15 of each phase, then
# every k-th, about FAULTSIM_BUDGET (45) per phase; FAULTSIM_ALL=1 runs all,
# FAULTSIM_BUDGET=300 the wider sample of docs/faults.md).  Each point loads
# the whole catalogue, so the sample is kept small for the default run.
set -u
SRC=${ASSAY_SOURCE_DIR:?}
BIN=${ASSAY_BIN:?}
FS=${ASSAY_BINARY_DIR:?}/tests/assay-faultsim
[ -x "$FS" ] || { echo "FAIL: $FS not built"; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 0; }
T=$(mktemp -d /tmp/assay-e2e-faults-XXXXXX)
trap 'rm -rf "$T"' EXIT
"$BIN" keygen --out "$T/keys" --subject "/CN=Faultsim Lab" >/dev/null || { echo "FAIL: keygen"; exit 1; }
export ASSAY_DATADIR=$SRC
extra=()
[ -n "${FAULTSIM_ALL:-}" ] && extra+=(--all)
exec python3 "$SRC/tests/faultsim.py" --bin "$FS" --key "$T/keys/key.pem" \
    --cert "$T/keys/cert.pem" --budget "${FAULTSIM_BUDGET:-45}" --dense "${FAULTSIM_DENSE:-15}" \
    --jobs "${FAULTSIM_JOBS:-2}" "${extra[@]}"
