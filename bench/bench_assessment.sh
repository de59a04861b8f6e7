#!/bin/sh
# bench_assessment.sh - a whole assessment of the reference device, `assay
# demo` with default settings, against nmap + sslscan + hydra run in
# sequence for the same findings (bench/assessment.py; --runs N goes to it).
exec python3 "$(dirname "$0")/assessment.py" "$@"
