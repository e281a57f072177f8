"""Batch rendering from a spreadsheet: one row per output.

* :mod:`.sheet`: reading CSV/XLSX defensively;
* :mod:`.jobs`: :func:`plan_batch` checks every row and builds the jobs (or the problems);
* :mod:`.runner`: :func:`run_batch` renders them, with resume, cancel and a summary CSV;
* :mod:`.executors`: where rows run (local worker processes by default);
* :mod:`.cluster`: the same rows on a Dask cluster (the optional ``creator-kit[cluster]``).
"""

from creator_kit.batch.executors import LocalPoolExecutor, RowExecutor
from creator_kit.batch.jobs import BatchPlan, Job, Problem, plan_batch
from creator_kit.batch.runner import (
    BatchProgress,
    BatchResult,
    RowResult,
    WorkerCount,
    auto_jobs,
    run_batch,
)

__all__ = ["BatchPlan", "BatchProgress", "BatchResult", "Job", "LocalPoolExecutor", "Problem",
           "RowExecutor", "RowResult", "WorkerCount", "auto_jobs", "plan_batch", "run_batch"]
