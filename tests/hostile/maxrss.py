#!/usr/bin/env python3
"""maxrss.py FILE CMD [ARG...]: runs CMD and writes its max RSS in KiB to
FILE -- of the largest process of its tree that was waited for, as
/usr/bin/time's %M reports it (wait4's rusage) -- then exits as CMD did
(128 + N when killed by signal N)."""
import os
import sys

pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % ru.ru_maxrss)
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
