"""`python -m polling`: the same as the `polling` command."""

from polling.cli import main

raise SystemExit(main())
