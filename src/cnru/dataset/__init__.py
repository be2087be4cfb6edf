"""This dataset's checks: the only code that names its tables. The cross-table rules and their
SQL (`rules.py`, `sql/context.sql`), the archived texts and the quote rule (`sources.py`,
`matching.py`), look-alike names (`names.py`) and the minimums of `cnru.toml` (`assertions.py`)."""

from . import problems  # noqa: F401  (adds this dataset's codes to the catalogue)
