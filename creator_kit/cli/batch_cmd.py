"""``creator-kit batch SHEET``: one finished clip per spreadsheet row, in parallel.

Exit codes: 0 every row made or up to date; 1 some rows failed (see the summary CSV);
2 the spreadsheet has problems (each listed with its row and column; nothing rendered), or
the ``--cluster`` cannot be used (unreachable, no workers, another creator_kit version);
130 cancelled (finished rows are kept, no partial file is left).

``--cluster tcp://HOST:PORT | local:N | SCHEDULER.json`` runs the same rows on a Dask
cluster (see :mod:`creator_kit.batch.cluster`); everything else is the same code.
"""

from __future__ import annotations

import argparse
import json
import sys

from creator_kit.batch.executors import RowExecutor
from creator_kit.batch.jobs import plan_batch
from creator_kit.batch.runner import RowResult, auto_jobs, run_batch
from creator_kit.cli.main import EXIT_BAD_INPUT, EXIT_OK, EXIT_VIOLATIONS
from creator_kit.cli.progress import make_reporter
from creator_kit.cli.render_cmd import cancel_on_signals
from creator_kit.core.cancel import CancelToken
from creator_kit.core.errors import InputError
from creator_kit.render.job import watch_for_cancel


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``batch`` subcommand."""
    p = sub.add_parser("batch", help="render one clip per spreadsheet row (CSV or XLSX)",
                       description="Render one clip per row of a CSV or XLSX sheet. Columns: "
                       "input, output, template, caption or captions, language, logos, "
                       "var:NAME, and any render flag that sets a value (fps, "
                       "caption-style, music-volume...).")
    p.add_argument("sheet", metavar="SHEET.csv|.xlsx")
    p.add_argument("--out-dir", required=True, metavar="DIR", help="where the clips go")
    p.add_argument("--template", metavar="NAME", help="template for rows that name none")
    p.add_argument("--jobs", default="auto", metavar="auto|N",
                   help="renders at once on this computer (default auto: by cores and free "
                   "memory); with --cluster each worker's render resource decides")
    p.add_argument("--progress", choices=["bar", "json", "none"], default=None,
                   help="progress display (default: bar on a terminal, else none)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace outputs this batch did not make")
    p.add_argument("--summary", metavar="CSV", help="where to write the summary "
                   "(default DIR/batch-summary.csv)")
    p.add_argument("--cluster", metavar="tcp://HOST:PORT|local:N|FILE.json",
                   help="run the rows on a Dask cluster: a scheduler's address, a local "
                   "cluster of N worker processes, or a scheduler file (needs "
                   "creator-kit[cluster])")
    p.add_argument("--cluster-files", choices=["shared", "send"], default="shared",
                   help="shared: the workers see the sheet's files and --out-dir at the same "
                   "paths (default); send: inputs are sent to the workers and the outputs "
                   "come back to this computer")
    p.add_argument("--check", action="store_true",
                   help="only check the sheet and list what would be made")
    p.add_argument("--control", choices=["stdin"],
                   help="stdin: a 'cancel' line (or the end of input) cancels the batch, "
                   "for programs running it (see docs/render-protocol.md)")
    p.add_argument("--cancel-file", metavar="PATH", help="cancel when this file appears")
    p.set_defaults(func=run)


def _jobs(value: str, rows: int) -> int:
    if value == "auto":
        return auto_jobs(rows)
    try:
        n = int(value)
    except ValueError:
        raise InputError(f"--jobs must be 'auto' or a number, not {value!r}") from None
    if not 1 <= n <= 64:
        raise InputError("--jobs must be between 1 and 64")
    return n


def run(args: argparse.Namespace) -> int:
    """Run ``creator-kit batch``."""
    plan = plan_batch(args.sheet, args.out_dir, default_template=args.template)
    if not plan.ok:
        for line in plan.report():
            sys.stderr.write(f"  {line}\n")
        sys.stderr.write(f"error: {plan.sheet}: {len(plan.problems)} problem(s) in the "
                         "spreadsheet; nothing was rendered\n")
        return EXIT_BAD_INPUT
    jobs = _jobs(args.jobs, len(plan.jobs))
    spec = None
    if args.cluster is not None:
        from creator_kit.batch.cluster import parse_cluster

        spec = parse_cluster(args.cluster)
    if args.check:
        for job in plan.jobs:
            sys.stdout.write(f"row {job.row}: {job.output}\n")
        where = f"on {spec.describe()}" if spec is not None else f"{jobs} at once"
        sys.stdout.write(f"{len(plan.jobs)} row(s) ready; {plan.empty_rows} empty row(s) "
                         f"skipped; would run {where}\n")
        return EXIT_OK
    executor: RowExecutor | None = None
    if spec is not None:
        from creator_kit.batch.cluster import connect

        # Before anything renders: an unreachable scheduler or unfit workers are exit 2.
        executor = connect(spec, files=args.cluster_files)
    mode = args.progress or ("bar" if sys.stderr.isatty() else "none")
    reporter = make_reporter(mode)

    def on_row(r: RowResult) -> None:
        if mode == "json":
            sys.stdout.write(json.dumps({"row": r.row, "output": r.output, "status": r.status,
                                         "reason": r.reason, "worker": r.worker,
                                         "attempts": r.attempts}, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif mode == "bar":
            why = f" ({r.reason})" if r.reason and r.status != "made" else ""
            sys.stderr.write(f"\rrow {r.row}: {r.status} {r.output}{why}\x1b[K\n")

    token = CancelToken()
    watch_for_cancel(token.cancel, stdin=sys.stdin if args.control == "stdin" else None,
                     cancel_file=args.cancel_file)
    try:
        with cancel_on_signals(token):
            result = run_batch(plan, jobs=jobs, executor=executor, overwrite=args.overwrite,
                               on_progress=reporter, on_row=on_row, cancel=token,
                               summary=args.summary)
    finally:
        reporter.close()
    made, skipped, failed = (result.count(s) for s in ("made", "skipped", "failed"))
    sys.stderr.write(f"{made} made, {skipped} up to date, {failed} failed; summary: "
                     f"{result.summary}\n")
    return EXIT_VIOLATIONS if failed else EXIT_OK
