"""Kern: Gerät, Seeds, Cache, Argumentprüfungen, deutsche Zahlformate."""
