"""Kommandozeile für Datensätze.

``python -m kibuch.data download mnist`` lädt MNIST in den Cache,
``python -m kibuch.data list`` zeigt alle Namen, ``python -m kibuch.data info NAME``
ein Datenblatt.
"""

from __future__ import annotations

import argparse
import sys

from kibuch.core.checks import check_str_list
from kibuch.data import DatasetUnavailable, download_mnist, info, names


def main(argv: list[str] | None = None) -> int:
    """Führt die Kommandozeile aus; ``argv`` ist eine Liste von Strings (None = sys.argv)."""
    if argv is not None:
        argv = check_str_list("argv", argv, min_len=0, allow_empty_items=True)
    parser = argparse.ArgumentParser(prog="python -m kibuch.data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    dl = sub.add_parser("download", help="Datensatz in den Cache laden (nur 'mnist')")
    dl.add_argument("name", choices=["mnist"])
    dl.add_argument("--dir", default=None, help="Zielordner (Standard: kibuch.cache_dir('mnist'))")
    dl.add_argument("--mirror", default=None, help="Basis-URL eines Spiegels")
    sub.add_parser("list", help="Namen aller Datensätze")
    sh = sub.add_parser("info", help="Datenblatt ausgeben")
    sh.add_argument("name")
    args = parser.parse_args(argv)
    if args.command == "download":
        mirrors = (args.mirror,) if args.mirror else None
        try:
            path = download_mnist(args.dir, mirrors=mirrors)
        except DatasetUnavailable as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"MNIST liegt geprüft in {path}")
    elif args.command == "list":
        print("\n".join(names()))
    else:
        print(info(args.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
