"""Helpers for execute_notebook.py (run by Debian's /usr/bin/python3, which imports this module from its own folder).
The grader's supervisor (grader/supervisor.py) does not use it."""
import os


def atomic_write(path, text):
    """Write `text` to `path` through a temporary file and a rename (creating the folder if needed), so a reader
    never sees half a file, even if this process is killed mid-write."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def kernel_pid(client):
    """The process id of an nbclient NotebookClient's running kernel (None if it cannot be found)."""
    try:
        return client.km.provisioner.pid  # jupyter_client >= 7
    except Exception:
        return getattr(getattr(client.km, "kernel", None), "pid", None)
