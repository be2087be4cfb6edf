"""This dataset's checks: the only code that names its tables. The cross-table rules and their
SQL (`rules.py`, `sql/context.sql`), the archived texts and the quote rule (`sources.py`,
`matching.py`), look-alike names (`names.py`), the minimums of `cnru.toml` (`assertions.py`) and the
file layout (`layout.py`)."""

from . import problems  # noqa: F401  (adds this dataset's codes to the catalogue)
