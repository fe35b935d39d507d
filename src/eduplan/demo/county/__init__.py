"""One county of the demo, built by :class:`.builder.CountyBuilder` in stages, one module each:

- :mod:`.records`: the planned institution (``Inst``), class and year rows, fixed labels;
- :mod:`.state`: the county's state and the helpers every stage uses;
- :mod:`.divisions`: townships, villages, population and births;
- :mod:`.targets`: the county's enrolment, inclusive, public-share and high-school trajectories;
- :mod:`.preschool`, :mod:`.schools`: the institutions planned;
- :mod:`.planting`: imperfections planted on institutions;
- :mod:`.institutions`: institution rows and renames;
- :mod:`.classes`: children, classes and yearly snapshots;
- :mod:`.staff`, :mod:`.fees` (fees and safety), :mod:`.pairings` (pairings and management posts).

The registers of the programmes, workforce and duties are filled by their own builders
(``registers.py``, ``duties.py``) at the end of ``CountyBuilder.build``.
"""

from .builder import CountyBuilder
from .records import TRUSTEESHIP_COMPONENTS

__all__ = ["TRUSTEESHIP_COMPONENTS", "CountyBuilder"]
