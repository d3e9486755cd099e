"""kibuch – der Begleitcode zum Lehrbuch „KI-Grundlagen“.

Das Paket bündelt allen wiederverwendbaren Code der Kapitel: Datensätze,
neuronale Netze, CNNs, BERT-Feintuning und Sampling für Sprachmodelle.
Die Kapitel importieren es und zeigen den Code per ``literalinclude``.

Der Import des Pakets tut nichts außer Namen bereitzustellen: Er lädt keine
Daten, setzt keine Seeds und importiert ``torch`` erst, wenn es gebraucht wird.
"""

from kibuch.core.cache import cache_dir
from kibuch.core.device import get_device, set_seed

__version__ = "0.1.0"

__all__ = ["__version__", "cache_dir", "get_device", "set_seed"]
