"""Model collapse: recursive training on a model's own samples under composable policies.

``models`` (one interface: fit, sample, score), ``policies`` (how each generation's data is
built), ``loop.run`` (seed x generation x metric table), ``theory`` (closed forms the tests check
against), ``sweep`` (TOML grids with a resumable store) and ``summary`` (the JSON records).
"""
