"""Helpers for execute_notebook.py (run by Debian's /usr/bin/python3, which imports this module from its own folder).
atomic_write lives in grader/atomic_io.py, shared with the grader's supervisor."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "grader"))
from atomic_io import atomic_write  # noqa: E402,F401  (one implementation, shared with the grader's supervisor)


def kernel_pid(client):
    """The process id of an nbclient NotebookClient's running kernel (None if it cannot be found)."""
    try:
        return client.km.provisioner.pid  # jupyter_client >= 7
    except Exception:
        return getattr(getattr(client.km, "kernel", None), "pid", None)
