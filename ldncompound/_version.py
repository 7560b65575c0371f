"""The library version, kept in one place (read by the build backend and by results)."""

__version__ = "0.2.0.dev0"
