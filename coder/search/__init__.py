"""Search the whole text of the sources (coder.search.hits), found as a substring or as any of its words
(coder.search.matching), and the hits as cited, masked quote files (coder.search.files)."""

from coder.search.hits import CODED, search
from coder.search.matching import MATCHES, Matcher

__all__ = ["CODED", "MATCHES", "Matcher", "search"]
