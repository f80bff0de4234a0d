"""The ``qcoder`` command: a thin layer over the library.

Results go to stdout (one JSON document with ``--json``); messages, warnings and progress go to
stderr. Every user error exits 1 with a Chinese and English message naming the file, line or ID.

One module per family of commands; each registers its commands on the root ``app``
(:mod:`coder.cli.common`) when imported, here in the order of the workflow, which is the order
``qcoder --help`` lists them in. Importing them costs little — see :mod:`coder.cli.common`.
"""

# isort: off
from coder.cli.common import app
from coder.cli import server, sources, codebook, coding, evidence, exports, masking, team  # noqa: F401  (they register commands)
# isort: on

__all__ = ["app"]
