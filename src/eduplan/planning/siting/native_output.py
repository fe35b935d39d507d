"""Keep what the solver's C code prints off standard output.

HiGHS's MIP solver prints a debugging line ("HighsMipSolverData::transformNewIntegerFeasibleSolution
tmpSolver.run();") with C ``printf`` when it repairs an answer after restarting on a reduced model,
whatever its display options say. ``eduplan plan site --format json`` (and the benchmark) write their
answer to standard output, so such a line would make the JSON unreadable; while solving, file
descriptor 1 is pointed at standard error instead (the line stays visible there).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

STDOUT_FD = 1
STDERR_FD = 2


@contextlib.contextmanager
def solver_output_to_stderr() -> Iterator[None]:
    """While the block runs, what native code writes to file descriptor 1 goes to descriptor 2.

    For command-line use (one thread): a web worker must not call it, as the redirection holds
    for the whole process.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(STDOUT_FD)
    except (OSError, ValueError):  # no descriptor 1 (closed, or an embedded interpreter)
        yield
        return
    try:
        os.dup2(STDERR_FD, STDOUT_FD)
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        os.dup2(saved, STDOUT_FD)
        os.close(saved)
