"""A worker of a split file takes its signal handling before any SIGTERM can reach it.

The CLI handles SIGTERM by raising an exception; a forked worker inherits that handler until
its initializer runs. A terminate that came in that window ran it where Python swallows the
exception (``threading``'s after-fork hook), the worker lived on, and the parent's terminate
waited for it forever (seen as a hung ``test_split_files_give_the_same_statistics``).
"""

import subprocess
import sys

import pytest

from tunelint import parallel

SCRIPT = """
import multiprocessing, os, signal
from tunelint import parallel

def blocked():
    return signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, [])

after_fork = []
os.register_at_fork(after_in_child=lambda: after_fork.append(blocked()))

def worker_state(_):
    return after_fork[0], blocked(), signal.getsignal(signal.SIGTERM) == signal.SIG_DFL

with parallel._pool(multiprocessing.get_context("fork"), 1) as pool:
    print(pool.apply(worker_state, (0,)), blocked())
"""


@pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked only where fork exists")
def test_a_worker_is_forked_with_sigterm_blocked_and_unblocks_it_with_the_default_action():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    # At fork: blocked. In the worker, after its initializer: unblocked, default action.
    # In the parent, after the pool started: unblocked again.
    assert done.stdout == "(True, False, True) False\n", done.stderr
