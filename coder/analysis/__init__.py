"""Analysis displays (Miles, Huberman & Saldaña): the matrices and counts a case-study argument is built from.

* :mod:`~coder.analysis.cooccurrence` — which codes occur together (counts or the c-coefficient);
* :mod:`~coder.analysis.framework` — participants, organisations, roles or kinds × codes, each cell with
  its count, strongest quote and the researcher's stored summary;
* :mod:`~coder.analysis.timeline` — codes by month or quarter of the sources' dates, per kind of source;
* :mod:`~coder.analysis.words` — jieba word frequencies and keyword-in-context lines for a selection.

Each returns a pandas DataFrame (what it states about its rules travels in ``frame.attrs``), built from
:func:`coder.analysis.loading.load`: accepted and manual codings, suggestions only when asked, and only
what the viewer may see. :mod:`coder.export.displays` renders any of them as a file.
"""
