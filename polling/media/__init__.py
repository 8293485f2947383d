"""Bank pictures: checked on disk, re-encoded without metadata, served by content hash."""
