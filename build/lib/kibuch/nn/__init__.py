"""Neuronale Bausteine (PyTorch): je Konzept eine Implementierung."""
