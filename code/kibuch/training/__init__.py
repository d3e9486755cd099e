"""Trainingsschleifen und ihre Konfiguration."""
