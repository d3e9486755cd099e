"""Darstellung: Abbildungsstil, Diagramme und der plotly-Renderer für MyST-NB."""
