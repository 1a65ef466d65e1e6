"""Real small-model experiments: a tiny transformer LM, its trainer and the sweeps built on it.

Importing this package does not import PyTorch; :mod:`scalewall.lm.model`, :mod:`.train` and
:mod:`.sample` do (the optional ``scalewall[lm]`` extra).
"""
