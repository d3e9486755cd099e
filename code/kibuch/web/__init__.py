"""Daten für die Browser-Widgets des Buchs: Gewichte und Beispieldaten als ``.js``-Dateien.

Die Widgets (``book/_static/widgets``) laufen ohne Netz und auch von ``file://``; deshalb
kommen Gewichte nicht als JSON per ``fetch``, sondern als kleine Skripte, die einen Wert an
``window`` hängen. Der Buchbau schreibt sie mit den Funktionen dieser Module nach
``_static/widgets/data``.
"""
