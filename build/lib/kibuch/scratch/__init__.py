"""Algorithmen von Grund auf in NumPy.

Backpropagation, MLP, k-Means, Q-Learning, Empfehlungen und Prognosen.
"""
