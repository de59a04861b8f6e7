#!/bin/sh
# bench_probes.sh - `assay probe` against nmap, sslscan, testssl.sh, hydra
# and ncrack, whole processes on both sides (bench/probes.py; options such
# as --runs N, --only tcp-sweep,tls,creds and --markdown go to it).
exec python3 "$(dirname "$0")/probes.py" "$@"
