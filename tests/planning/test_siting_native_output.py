"""`eduplan plan site --format json` writes only JSON to standard output: what HiGHS's C code prints
while solving goes to standard error (``siting.native_output``)."""

from __future__ import annotations

import os

from eduplan.planning.siting.native_output import solver_output_to_stderr


def test_native_writes_during_the_solve_go_to_stderr(capfd):
    with solver_output_to_stderr():
        os.write(1, b"HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();\n")
    os.write(1, b'{"objective": 1}\n')
    out, err = capfd.readouterr()
    assert out == '{"objective": 1}\n'
    assert "tmpSolver.run" in err
