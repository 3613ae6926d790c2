"""One module per scenario group; each returns :class:`benchmarks.report.Row` objects."""
