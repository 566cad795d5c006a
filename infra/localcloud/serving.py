"""File descriptors for thousands of connections: ``raise_open_files()`` lifts the process's
soft limit on open files to its hard limit, so open (idle, keep-alive or half-open) connections do
not stop new ones being accepted (httpserver.py watches idle ones with the selector the platform
has best, epoll on Linux, which has no 1,024-descriptor ceiling).
"""

from __future__ import annotations

import logging
import resource

log = logging.getLogger(__name__)


def raise_open_files() -> int:
    """Raise the soft limit on open files to the hard limit; returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            log.warning("cannot raise the open-file limit from %d; fewer connections fit", soft)
    return int(soft) if soft != resource.RLIM_INFINITY else wanted
