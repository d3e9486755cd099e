"""Kapitelspezifische Bausteine, benannt nach ihrem Kapitel (``ch03_1_…`` gehört zu Kapitel 3.1)."""
