"""Benchmarks of the portal. The project never imports this package; tests/bench checks the
benchmarks' fast path (bench/fill.py) against the portal's own methods."""
