"""Defaults the command line shows in its help, kept apart from the modules that apply them.

``qcoder --help`` builds every command's options, so their defaults must be importable without what the
modules using them import (jieba, SQLModel, pandas …); those modules take their default from here, so
each value is still written once.
"""

from pathlib import Path

CODEBOOK = Path("codebook.yaml")  # the project's codebook, in the folder qcoder runs in
MIN_SCORE = 0.3  # the keyword tagger's lowest score worth suggesting
MAX_CHARS = 200  # longer quotes are shortened in exports; 0 keeps every quote whole
# A coder whose decisions in a source end before this share of the furthest coder's has not finished it.
MIN_REACH = 0.8
