"""Der Offline-Schalter: eine Stelle, die entscheidet, ob kibuch ins Netz darf.

Das Buch baut und testet ohne Netz. Gesetzt wird das über eine der Variablen
``KIBUCH_OFFLINE``, ``HF_HUB_OFFLINE`` oder ``TRANSFORMERS_OFFLINE``; ein wahrer Wert
(``1``, ``true``, ``yes``, ``on``) in einer davon genügt.
"""

from __future__ import annotations

import os

#: Umgebungsvariablen, die Downloads verbieten (kibuch selbst und Hugging Face).
OFFLINE_ENV = ("KIBUCH_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def offline() -> bool:
    """True, wenn eine der Variablen in ``OFFLINE_ENV`` auf einen wahren Wert gesetzt ist."""
    return any(
        os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on")
        for var in OFFLINE_ENV
    )
