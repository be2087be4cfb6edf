"""The generic engine: any Frictionless Data Package to typed DuckDB tables and its schema
problems. It names no table of this dataset; `cnru.dataset` holds this dataset's checks."""
