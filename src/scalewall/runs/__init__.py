"""Experiment store (run id = hash of the config, atomic writes, resume) and executors."""
