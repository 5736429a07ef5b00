"""Where snippets are confined: what a post's code may read, write, reach and start (``policy.py``, decided in
the MkDocs process), how a worker confines itself before running it (``confine.py``: Landlock, ``seccomp.py``),
how every process it started ends (``processes.py``), and what a refusal means to a writer (``explain.py``)."""
