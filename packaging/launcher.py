"""Entry script of the frozen app: ``creator-kit`` with the same commands as the installed CLI."""

import multiprocessing
import sys

if __name__ == "__main__":
    # First thing: in a frozen app, batch workers are this executable started again by
    # multiprocessing; freeze_support() runs the worker and exits before the CLI parses argv.
    multiprocessing.freeze_support()
    from creator_kit.cli.main import main

    sys.exit(main())
