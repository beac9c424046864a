"""The JSON API (docs/API.md): the public intake and the staff's reading of requests."""
