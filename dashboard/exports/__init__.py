"""Downloads for the current selection: the councillor summary (PDF), the workbook (Excel), CSV tables and the
council's practice pack (PDF). README.md beside this file says how a download is assembled.

gather.py reads one selection's figures, already suppressed, into a `summary.Summary`; every file format is
written from that one object, so the PDF, the workbook and the CSVs can never disagree.
"""
