"""What each `polling` command does; `polling/cli.py` parses the command line and calls one."""
