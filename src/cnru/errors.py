"""Expected failures. The CLI prints `Error: <message>` for these and exits non-zero."""


def first_line(error: BaseException) -> str:
    """An error's message up to its first line break: DuckDB's run on into hints."""
    return (str(error).strip().splitlines() or [""])[0]


class CnruError(Exception):
    """Base class: an expected failure, shown to the user as one line."""

    exit_code = 1


class UsageError(CnruError):
    """The command was called wrongly: a missing package, a bad option value."""

    exit_code = 2


class PackageNotFound(UsageError):
    """No datapackage.json where the user pointed."""


class InvalidPackage(CnruError):
    """Validation found errors; carries the report."""

    def __init__(self, report):
        super().__init__(f"the package is invalid: {report.summary()}")
        self.report = report


class BuildError(CnruError):
    """A build step failed after validation passed."""


class QueryError(CnruError):
    """A user's SQL failed."""


class OutOfMemory(CnruError):
    """DuckDB needed more memory than its limit allows."""


class UnsafeOutput(UsageError):
    """An output folder that cnru did not write, or that holds the package's own files."""


class DatabaseMissing(UsageError):
    """`cnru query --db` names a database that does not exist."""


class UnsafeSQL(UsageError):
    """SQL that would change the built database or write files, where only reading is allowed."""


class BuildBusy(CnruError):
    """Another build into the same folder is running."""


class ReleaseError(CnruError):
    """A release cannot be made safely: a bad version, a link, a file name that is not safe."""


class DiskFull(CnruError):
    """A write failed because the disk is full."""
