"""Batch rendering from a spreadsheet: one row per output.

* :mod:`.sheet`: reading CSV/XLSX defensively;
* :mod:`.plan`: :func:`plan_batch` checks every row and builds the jobs (or the problems);
* :mod:`.runner`: :func:`run_batch` renders them in worker processes, with resume, cancel
  and a summary CSV.
"""

from creator_kit.batch.jobs import BatchPlan, Job, Problem, plan_batch
from creator_kit.batch.runner import BatchResult, RowResult, auto_jobs, run_batch

__all__ = ["BatchPlan", "BatchResult", "Job", "Problem", "RowResult", "auto_jobs",
           "plan_batch", "run_batch"]
