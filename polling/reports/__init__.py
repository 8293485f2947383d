"""Results for the training report, built from stored sessions and answers."""
