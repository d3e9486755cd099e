"""Die Trainingsschleife (eine für alle Modelle) und ihre Konfiguration."""
