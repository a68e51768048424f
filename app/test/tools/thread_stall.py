#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Stop one thread of a process for a while, the others running on, as a
worker stuck in a long call would be: ptrace(PTRACE_SEIZE) then
PTRACE_INTERRUPT on that thread only, PTRACE_DETACH after SECONDS.

    thread_stall.py PID THREAD_NAME SECONDS STOPPED_FILE RESUMED_FILE

THREAD_NAME is the thread's comm (/proc/PID/task/*/comm, e.g. rte-worker-1),
or names separated by | (DPDK 22.11 names its first worker rte-worker-1,
23.11 and later dpdk-worker1).
STOPPED_FILE is written once the thread is stopped, RESUMED_FILE just before it
is let go. Needs CAP_SYS_PTRACE (root). Exit 0, or 1 with the reason.
"""

import ctypes
import os
import sys
import time

PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
WALL = 0x40000000


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    pid, name, secs = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    stopped, resumed = sys.argv[4], sys.argv[5]
    tid = None
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/comm" % (pid, t)) as f:
            if f.read().strip() in name.split("|"):
                tid = int(t)
    if tid is None:
        print("no thread %s in pid %d" % (name, pid), file=sys.stderr)
        return 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    if libc.ptrace(PTRACE_SEIZE, tid, None, None) != 0 or \
            libc.ptrace(PTRACE_INTERRUPT, tid, None, None) != 0:
        print("ptrace thread %d: %s" % (tid, os.strerror(ctypes.get_errno())), file=sys.stderr)
        return 1
    os.waitpid(tid, WALL)
    with open(stopped, "w") as f:
        f.write("%d\n" % tid)
    time.sleep(secs)
    with open(resumed, "w") as f:
        f.write("%d\n" % tid)
    libc.ptrace(PTRACE_DETACH, tid, None, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
