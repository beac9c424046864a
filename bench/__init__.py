"""Benchmarks of the portal. Nothing in the project imports this package."""
