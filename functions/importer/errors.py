"""Errors of the importer."""

from shared.errors import UserServiceError


class ImporterError(UserServiceError):
    """Base class of the importer's errors."""


class ImportFileError(ImporterError):
    """The file as a whole cannot be imported (no header, missing columns, unreadable)."""


class InvalidImportRequestError(ImporterError):
    """The Lambda event names neither an S3 object nor inline CSV text."""


class RejectsNotKeptError(ImporterError):
    """The rejects queue refused rejected rows; the import stops before publishing anything."""
