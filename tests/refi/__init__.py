"""Builders for the REFI-QDA tests: a small coded qcoder project, and packages that look like other tools' exports."""
