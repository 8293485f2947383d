"""The live service: connections, the hub, the HTTP API and the server around the core."""
