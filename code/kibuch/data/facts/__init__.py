"""Von Hand erfasste Fakten mit Quelle, Fundstelle und Abrufdatum."""
