"""Checking evidence: the figures read from coded quotes (:mod:`.figures`), the facts they state and where
sources disagree (:mod:`.facts`), researchers' claims on codes and codings (:mod:`.claims`), the
corroboration check across kinds of source (:mod:`.triangulation`) and its reports (:mod:`.report`)."""
