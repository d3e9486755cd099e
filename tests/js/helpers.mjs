// Gemeinsame Hilfen der Golden-Tests (node --test tests/js/): Widget-Bibliothek und Fixture laden.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);

// Lädt book/_static/widgets/lib/<file> (UMD: im Browser ein globales Objekt, in Node ein Modul).
export function loadLib(file) {
  return require(`../../book/_static/widgets/lib/${file}`);
}

// Liest tests/js/fixtures/<file> (erzeugt von make_fixtures_*.py).
export function loadFixture(file) {
  return JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), "utf8"));
}
