"""The package version (one place: the CLI, reports, caches and the API read it)."""

VERSION = "0.1.0"
