"""Synthetische Datengeneratoren mit festen Seeds – alle erfundenen Daten des Buchs an einem Ort.

Jeder Generator erzeugt Daten mit bekannter Struktur, damit man prüfen kann, ob ein
Verfahren sie wiederfindet. Importiert wird immer aus dem Untermodul, etwa
``from kibuch.data.synthetic.curves import make_curve_data``:

- ``prices``: strompreisähnliche Tagesreihe für die Datumsfalle (Kapitel 2),
- ``curves``: Messpunkte für Kurvenmodelle und die Baum-Spielwiese (Kapitel 3.1),
- ``business``: Kunden, Maschinen-Sensordaten mit Störungen, Bestellungen (Kapitel 3.1, 4),
- ``toy2d``: zweidimensionale Klassifikationsaufgaben wie im TensorFlow Playground (Kapitel 3.2).

Weitere Module (``population``, ``raw_records``, ``sensors``) gehören zu den Kapiteln 5 und 6.
"""
