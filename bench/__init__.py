"""Benchmarks: a synthetic release generator (bench.synthetic) and one command that measures
parse, ingest, page queries and memory side by side (python -m bench.run)."""
