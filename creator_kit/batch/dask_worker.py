"""Dask worker preload: ``dask worker ADDRESS --preload creator_kit.batch.dask_worker``.

Sets up what creator_kit's render engine needs on the worker's main thread, before any
row arrives: Qt's text engine (a ``QGuiApplication``, which Qt wants created on the main
thread of the process) and the bundled fonts. A Dask worker runs its event loop, and so
this setup, on its main thread; rows then render on the worker's task threads.

``--creator-kit-parent PID:CREATED`` (used for ``--cluster local:N``) makes the worker
end when that process (the batch) dies, even by SIGKILL: a watchdog thread polls it every
half second (pid and creation time; the same on Linux, macOS and Windows), cancels the
rows it renders (which removes their temporary files and kills their ffmpeg) and exits.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

import click

log = logging.getLogger(__name__)


@click.command()
@click.option("--creator-kit-parent", default="", help="PID:CREATED of the process whose "
              "death ends this worker")
def dask_setup(worker: Any, creator_kit_parent: str) -> None:
    """Prepare the text engine; follow the parent process when one is named."""
    from creator_kit.text.fonts import ensure_fonts

    ensure_fonts()
    from creator_kit.batch import cluster

    cluster._engine_ready.set()
    if creator_kit_parent:
        pid, _, created = creator_kit_parent.partition(":")
        _watch_parent(int(pid), float(created))


def _watch_parent(pid: int, created: float) -> None:
    from creator_kit.batch.cluster import ORPHANED, busy_rows
    from creator_kit.batch.executors import parent_alive

    def watch() -> None:
        while parent_alive(pid, created):
            time.sleep(0.5)
        ORPHANED.cancel()
        deadline = time.monotonic() + 15
        while busy_rows() and time.monotonic() < deadline:
            time.sleep(0.05)
        os._exit(1)

    threading.Thread(target=watch, name="creator-kit-parent-watchdog", daemon=True).start()
