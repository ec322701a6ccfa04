"""jointcare ETL: recognise raw NHS and council files, validate them, build the DuckDB warehouse."""

__version__ = "0.1.0"
