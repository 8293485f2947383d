"""The pure core: banks, answers, tallies and the session state machine; no I/O."""
