"""``python -m creator_kit.cli`` runs the command line."""

from creator_kit.cli.main import main

raise SystemExit(main())
