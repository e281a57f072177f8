"""Dask worker preload: ``dask worker ADDRESS --preload creator_kit.batch.dask_worker``.

Sets up what creator_kit's render engine needs on the worker's main thread, before any
row arrives: Qt's text engine (a ``QGuiApplication``, which Qt wants created on the main
thread of the process) and the bundled fonts. A Dask worker runs its event loop, and so
this setup, on its main thread; rows then render on the worker's task threads. (A worker
started without it sets the engine up the same way when its first row arrives.)

For ``--cluster local:N`` the worker processes ignore SIGINT: they share the terminal's
process group with the batch, and a Ctrl-C must reach only the batch, which cancels its rows
through the cancel event (a worker interrupted by the same Ctrl-C would stop answering it).

A worker process ends when its nanny (or, for ``--cluster local:N``, the batch process)
dies, even by SIGKILL: Dask's worker processes watch a pipe from their parent and exit at
once. Its ffmpeg goes with it (a parent-death signal on Linux); the temporary file of the
render it was making is removed by the next export or batch into that folder.
"""

from __future__ import annotations

import os
import signal
from typing import Any


def dask_setup(worker: Any) -> None:
    """Prepare the text engine on the worker's main thread (and, for a local cluster, leave
    Ctrl-C to the batch process)."""
    from creator_kit.batch.cluster import IGNORE_SIGINT, ensure_engine

    if os.environ.get(IGNORE_SIGINT) == "1":
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    ensure_engine(worker)
