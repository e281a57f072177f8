"""Entry script of the windowed app on Windows and macOS: ``creator-kit gui [FILE]``.

Windows opens a console window for a console program started from the Start menu or by a
double-click on a project, so the editor gets a second, windowed executable in the same folder
(sharing every library); on Linux the one console binary serves both.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from creator_kit.cli.main import main

    sys.exit(main(["gui", *sys.argv[1:]]))
