"""Atomic file writes for the Python helpers: the grader's supervisor (grader/supervisor.py) and the notebook runner
(scripts/execute_notebook.py through scripts/nbexec.py). Shipped with the grader (package.json "files")."""
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
