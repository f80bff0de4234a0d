"""Getting material in: files read and decoded, record IDs made and checked, sources stored and listed.

The first step of the pipeline import → suggest → code → check → export:

- :mod:`~coder.sources.textfile` turns a file's bytes into the text qcoder stores (encodings, Word) and
  reads what the file says about itself; :mod:`~coder.sources.pdf` and :mod:`~coder.sources.webpage` do
  it for PDFs with a text layer and web pages saved from a browser;
- :mod:`~coder.sources.ids` is the record-ID convention (``20240115MJQ``, ``20230110-P03``);
- :mod:`~coder.sources.corpus` imports files: front matter, IDs, participants, one transaction each;
- :mod:`~coder.sources.segments` cuts a text into speaker turns and sentences;
- :mod:`~coder.sources.catalogue` lists and shows sources and edits their metadata;
- :mod:`~coder.sources.record_checks` checks record IDs against the fieldwork period.
"""
