"""Forecasts: growth trends refitted on Epoch AI's model tables and one Monte Carlo over the
data, cost, power, chip and latency walls (see :mod:`.trends`, :mod:`.stock`, :mod:`.walls`)."""
