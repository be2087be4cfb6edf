"""cnru: validate, build, query and release the cn-ru-military-support data package."""

__version__ = "0.1.0"
