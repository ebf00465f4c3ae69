"""PRESENT: the views of a score report (terminal tables, Markdown, the error listing, charts,
the HTML page). Nothing here computes a score; everything reads a ``scoring.report.Report``.
"""
