"""The errors the course raises on purpose, in one hierarchy.

Every error a student may meet from ``course_utils`` is a :class:`CourseError`
whose message names the bad value (or file), says what is wrong and what to
do. Each class also derives from the builtin exception it refines
(``ValueError``, ``TypeError``, ``RuntimeError``), so ``except ValueError``
keeps working::

    CourseError
    +-- CourseValueError (ValueError)      a helper got a value of the wrong shape or content
    +-- CourseTypeError (TypeError)        a helper got None, a list of lists, a string...
    +-- ChecksumError (ValueError)         a file's sha256 is not the registry's
    +-- IdxFormatError (ValueError)        bytes that are not a well-formed IDX file
    +-- CourseDataError (RuntimeError)     a dataset cannot be provided
        +-- DataUnavailableError           missing, and not downloadable
        +-- DataCorruptError               present with the wrong content
        +-- DataAccessError                the operating system refuses (permission,
                                           a folder where a file should be, disk full)

This module imports only the standard library's ``errno``, so any module can use it.
"""

from __future__ import annotations

import errno


class CourseError(Exception):
    """Base class of every error the course's helpers raise on purpose."""


class CourseValueError(CourseError, ValueError):
    """A helper got an array of the wrong shape, dtype or content."""


class CourseTypeError(CourseError, TypeError):
    """A helper got something that is not an array at all (None, a ragged list...)."""


class ChecksumError(CourseError, ValueError):
    """A file's sha256 is not the one the registry expects."""


class IdxFormatError(CourseError, ValueError):
    """The bytes are not a well-formed IDX file."""


class CourseDataError(CourseError, RuntimeError):
    """A dataset file cannot be provided; the message names the file and what to do."""


class DataUnavailableError(CourseDataError):
    """A data file is neither in the pack, nor in the cache, nor downloadable."""


class DataCorruptError(CourseDataError):
    """A data file (in the read-only pack, or read from disk) does not have the expected content."""


class DataAccessError(CourseDataError):
    """The operating system refuses to read or write a data file (permission denied,
    a folder where a file should be, no space left on the device...)."""


_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EISDIR: "it is a folder, where a file should be",
    errno.ENOTDIR: "a part of the path is a file, where a folder should be",
    errno.ENOENT: "it does not exist",
    errno.ENOSPC: "no space left on the device",
    getattr(errno, "EDQUOT", -1): "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EEXIST: "it already exists",
    errno.EIO: "input/output error (a failing disk or network file system?)",
}


def os_reason(exc: OSError) -> str:
    """A short, plain-words reason for an operating-system error.

    Examples
    --------
    >>> os_reason(PermissionError(13, "Permission denied"))
    'permission denied'
    """
    reason = _REASONS.get(exc.errno or 0)
    if reason is None:
        reason = exc.strerror or str(exc) or type(exc).__name__
    return reason
