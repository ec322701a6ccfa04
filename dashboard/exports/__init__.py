"""Downloads for the current selection: the councillor summary (PDF), the workbook (Excel) and CSV tables.

summary.py gathers one selection's figures, already suppressed, into a `Summary`; every file format is
written from that one object, so the PDF, the workbook and the CSVs can never disagree.
"""
