"""Live electronic polling for training workshops."""

__version__ = "0.1.0"
