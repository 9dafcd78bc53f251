"""Periodic reviews (half-year, year, quarter or custom period) of the activity register.

- ``metrics``: figures for a period and the same period a year earlier (pure functions over querysets).
- ``report``: labelled tables and chart series from figures, in the active language.
- ``charts``: SVG (web) and PNG (DOCX/PDF) bar charts and the world choropleth (``data/world-110m.json``).
- ``exports``: DOCX, XLSX and PDF.
- ``models.Review``: period, scope, narrative, and the frozen ``figures`` snapshot.
"""
