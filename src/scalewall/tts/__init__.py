"""Test-time compute: pass@k and friends with intervals, coverage laws, compute-matched models."""
