"""``python -m coder.cli``: the ``qcoder`` command without its console script."""

from coder.cli import app

app()
