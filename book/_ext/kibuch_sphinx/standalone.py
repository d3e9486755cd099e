"""Heruntergeladene Notebooks, die ohne das Buch funktionieren.

Ein Kapitel-Notebook aus dem Buch enthält MyST-Markdown: Rollen wie ``{glue:text}`x```,
``{term}`…``` oder ``{numref}`…```, Direktiven wie ``{exercise}`` oder ``{glue:figure}``.
Jupyter und Colab zeigen das als Rohtext. :func:`standalone_notebook` macht daraus
gewöhnliches Jupyter-Markdown:

- eingeklebte Werte (``glue``) werden durch ihren Wert aus dem Buchbau ersetzt,
- Verweise auf Abbildungen, Tabellen und Abschnitte durch den Text, den die Website zeigt,
- Fachbegriffe durch ihren Text, Quellen durch ihren Schlüssel in eckigen Klammern,
- Übungen, Lösungen und Kästen durch fett gesetzte Überschriften, Lösungen aufklappbar
  (``<details>``).

Code-Zellen bleiben unverändert; ihre Ausgaben bleiben erhalten. Die Installationszelle
trägt schon beim Bau die Fassung des Buchs (siehe :func:`pin_release`).
"""

from __future__ import annotations

import ast
import html as html_lib
import re
from importlib.metadata import version as pkg_version

#: Die Zeile der Installationszelle, in die der Buchbau die Fassung einsetzt.
RELEASE_LINE = re.compile(r'^KIBUCH_RELEASE = "[^"\n]*".*$', re.M)
#: Wo die Fassungen liegen (Git-Tags ``v<Version>``).
REPOSITORY = "https://github.com/ki-grundlagen/ki-grundlagen"


def release_tag() -> str:
    """Git-Tag der installierten kibuch-Fassung, z. B. ``v0.1.0``."""
    return "v" + pkg_version("kibuch")


def pin_release(source: str) -> str:
    """Setzt die Fassung des Buchs in die Installationszelle eines Kapitels ein."""
    tag = release_tag()
    return RELEASE_LINE.sub(
        f'KIBUCH_RELEASE = "{tag}"  # Fassung dieses Buchs (vom Buchbau eingesetzt)', source)


def glue_texts(glue: dict) -> dict[str, str]:
    """Name → Text aus MyST-NBs ``<seite>.glue.json`` (nur Text-Werte)."""
    texts = {}
    for name, output in glue.items():
        plain = output.get("data", {}).get("text/plain")
        if plain is None:
            continue
        try:
            value = ast.literal_eval(plain)
        except (ValueError, SyntaxError):
            value = plain
        texts[name] = str(value)
    return texts


_ROLE = re.compile(r"\{(?P<role>[a-z]+(?::[a-z]+)?)\}`(?P<body>[^`]*)`")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z:-]+)\}[ \t]*(?P<arg>.*)$")
_OPTION = re.compile(r"^:[a-z-]+:.*$")
_TITLES = {"exercise": "Übung", "solution": "Lösung", "solution-start": "Lösung",
           "admonition": "", "note": "Hinweis", "tip": "Tipp", "warning": "Achtung",
           "important": "Wichtig", "dropdown": "", "glue:figure": "Abbildung",
           "table": "Tabelle", "rubric": ""}


def link_texts(page_html: str) -> dict[str, str]:
    """Sprungziel → angezeigter Text der Verweise einer gebauten Seite (numref, ref, eq)."""
    texts = {}
    pattern = re.compile(r'<a class="reference internal" href="[^"]*?#([^"]+)"[^>]*>(.*?)</a>',
                         re.S)
    for target, inner in pattern.findall(page_html):
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        if text:
            texts.setdefault(target, text)
    return texts


def _role(match: re.Match, glue: dict[str, str], links: dict[str, str]) -> str:
    role, body = match.group("role"), match.group("body")
    if role.startswith("glue"):
        name = body.split(":")[0]
        return glue.get(name, match.group(0))
    if role.startswith("footcite"):
        return "[" + ", ".join(k.strip() for k in body.split(",")) + "]"
    explicit = _EXPLICIT.match(body)
    if explicit:
        return explicit.group("text")
    if role in ("numref", "ref", "eq", "doc"):
        key = body.lower().replace("_", "-").split("/")[-1]
        return links.get(key, links.get(body, body))
    return body  # term, abbr, …


def convert_markdown(text: str, glue: dict[str, str], links: dict[str, str]) -> str:
    """MyST-Markdown einer Zelle → Jupyter-Markdown (siehe Moduldoku)."""
    out, stack = [], []
    for line in text.split("\n"):
        fence = _FENCE.match(line.strip())
        if fence:
            name, arg = fence.group("name"), fence.group("arg").strip()
            if name in ("footbibliography", "bibliography"):
                out.append("*(Die Quellen stehen auf der Buchseite dieses Kapitels.)*")
                stack.append((fence.group("fence"), "skip"))
                continue
            if name == "solution-end":
                out.append("</details>")
                stack.append((fence.group("fence"), "skip"))
                continue
            if name == "literalinclude":
                where = arg.split("code/", 1)[-1]
                out.append(f"*(Im Buch steht hier der Quelltext aus `{where}`.)*")
                stack.append((fence.group("fence"), "literal"))
                continue
            title = _TITLES.get(name, name.capitalize())
            if name in ("admonition", "dropdown", "rubric") or (name == "exercise" and arg):
                title = f"{title}: {arg}" if title and arg else (arg or title)
            if name in ("solution", "solution-start"):
                out.append("<details><summary><b>Lösung</b> (aufklappen)</summary>\n")
                stack.append((fence.group("fence"), "details" if name == "solution" else "open"))
            else:
                out.append(f"**{_ROLE.sub(lambda m: _role(m, glue, links), title)}**\n"
                           if title else "")
                stack.append((fence.group("fence"), "block"))
            continue
        if stack and line.strip() == stack[-1][0]:
            _, kind = stack.pop()
            if kind == "details":
                out.append("\n</details>")
            continue
        if stack and stack[-1][1] == "literal":
            option = re.match(r"^:pyobject:\s*(\S+)", line.strip())
            if option:
                out[-1] = out[-1].replace("der Quelltext aus",
                                          f"der Quelltext von `{option[1]}` aus")
            continue
        if stack and _OPTION.match(line.strip()) and out and out[-1].endswith(("\n", ">")):
            option = re.match(r"^:(?:name|label):\s*(\S+)", line.strip())
            if option and option[1] in links and out[-1].startswith("**"):
                out[-1] = f"**{links[option[1]]}**\n"  # „Abb. 3.2.7“ statt „Abbildung“
            continue  # Optionen einer Direktive (:label:, :class: …)
        if stack and stack[-1][1] == "skip":
            continue
        if re.match(r"^\([A-Za-z0-9_-]+\)=\s*$", line):
            continue  # Sprungmarken (label)=
        out.append(_ROLE.sub(lambda m: _role(m, glue, links), line))
    return "\n".join(out)


def standalone_notebook(nb, glue: dict, page_html: str = ""):
    """Kopie des Notebooks ``nb`` (nbformat) mit Jupyter-Markdown statt MyST (in place)."""
    texts, links = glue_texts(glue), link_texts(page_html)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = convert_markdown(cell.source, texts, links)
    nb.metadata.pop("jupytext", None)  # sonst öffnet Jupytext es wieder als MyST-Text
    nb.metadata.pop("source_map", None)
    return nb
