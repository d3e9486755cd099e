"""Synthetische Datengeneratoren mit festen Seeds."""
