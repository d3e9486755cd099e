"""Erzeugt tests/js/fixtures/qlearning.json: Referenzwerte aus kibuch.scratch.qlearning.

Der Node-Test ``tests/js/qlearning.test.mjs`` prüft damit ``book/_static/widgets/lib/qlearning.js``:

- ``worlds``: Gitterwelten (die des Buchs und zwei Varianten mit Wänden und Schrittkosten)
  samt der Übergangstabelle ``env.step(s, a)`` für alle Zustände und Aktionen.
- ``runs``: ``q_learning(env, config)`` mit einer festen Folge von Aktionen statt der
  ε-greedy-Wahl. Dazu ersetzt das Skript ``_epsilon_greedy`` im Modul durch eine Funktion,
  die die nächste Aktion der Liste liefert, und protokolliert die Zustände, in denen sie
  gewählt wurde. Erwartet werden Q-Tabelle, Summe der Belohnungen und Länge jeder
  Episode und die Besuche je Zustand.
- ``value_iteration``: die optimalen Q-Werte je Welt und γ und der gierige Weg dazu.

Aufruf: ``python tests/js/make_fixtures_qlearning.py`` (schreibt die Datei neu).
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import numpy as np
from fixturecheck import dumps, write_fixture

from kibuch.scratch import qlearning as ql

FIXTURE = Path(__file__).with_name("fixtures") / "qlearning.json"


def _worlds() -> dict[str, ql.GridWorld]:
    return {
        "buch": ql.GridWorld(),
        "waende": ql.GridWorld(walls=((1, 1), (2, 3), (0, 2)), step_reward=-0.04),
        "flur": ql.GridWorld(height=3, width=6, start=(2, 0),
                             terminals={(0, 5): 1.0, (2, 5): -1.0, (0, 0): 0.2},
                             walls=((1, 2), (1, 3))),
    }


def _world_json(env: ql.GridWorld) -> dict:
    """Die Welt in der Form, die ``new GridWorld(opts)`` in qlearning.js erwartet."""
    return {
        "height": env.height, "width": env.width, "start": list(env.start),
        "terminals": [[r, c, float(v)] for (r, c), v in env.terminals.items()],
        "walls": [list(c) for c in env.walls], "stepReward": float(env.step_reward),
    }


def _transitions(env: ql.GridWorld) -> list:
    """``[[Folgezustand, Belohnung, Ende], …]`` je Zustand und Aktion."""
    return [[list(map(_plain, env.step(s, a))) for a in range(env.n_actions)]
            for s in range(env.n_states)]


def _plain(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    return float(v)


def _scripted_run(env: ql.GridWorld, config: ql.QLearningConfig, actions) -> dict:
    """``q_learning`` mit fester Aktionsfolge; protokolliert die Zustände der Wahl."""
    it = iter(int(a) for a in actions)
    states, chosen = [], []
    real_step = env._step

    def logged_step(s, a):
        states.append(int(s))
        return real_step(s, a)

    def scripted(q_row, epsilon, rng):
        a = next(it)
        chosen.append(a)
        return a

    with mock.patch.object(ql, "_epsilon_greedy", scripted), \
            mock.patch.object(env, "_step", logged_step):
        result = ql.q_learning(env, config)
    assert len(states) == len(chosen) == int(result.lengths.sum())
    return {
        "alpha": config.alpha, "gamma": config.gamma, "episodes": config.episodes,
        "max_steps": config.max_steps, "states": states, "actions": chosen,
        "q": result.q.tolist(), "returns": result.returns.tolist(),
        "lengths": result.lengths.tolist(), "visits": result.visits.tolist(),
    }


def build() -> dict:
    """Alle Referenzwerte als JSON-taugliches dict."""
    worlds = _worlds()
    specs = [  # (Welt, alpha, gamma, Episoden, max_steps, Seed, Aktionsgewichte)
        ("buch", 0.5, 0.9, 60, 100, 0, [0.25, 0.25, 0.25, 0.25]),
        ("buch", 1.0, 0.99, 150, 100, 1, [0.35, 0.35, 0.15, 0.15]),
        ("waende", 0.3, 0.95, 40, 25, 2, [0.3, 0.3, 0.2, 0.2]),
        ("flur", 0.7, 0.0, 30, 40, 3, [0.25, 0.35, 0.2, 0.2]),
        ("flur", 0.1, 1.0, 50, 60, 4, [0.2, 0.4, 0.2, 0.2]),
    ]
    runs = []
    for name, alpha, gamma, episodes, max_steps, seed, weights in specs:
        env = worlds[name]
        rng = np.random.default_rng(seed)
        actions = rng.choice(env.n_actions, size=episodes * max_steps, p=weights)
        config = ql.QLearningConfig(episodes=episodes, alpha=alpha, gamma=gamma,
                                    epsilon=0.0, max_steps=max_steps, seed=seed)
        runs.append({"world": name, **_scripted_run(env, config, actions)})
    vi = []
    for name, env in worlds.items():
        for gamma in (0.0, 0.5, 0.9, 0.99):
            q = ql.value_iteration(env, gamma)
            vi.append({"world": name, "gamma": gamma, "q": q.tolist(),
                       "greedy_path": [list(c) for c in ql.greedy_path(env, q)]})
    return {
        "source": "kibuch.scratch.qlearning", "generator": "tests/js/make_fixtures_qlearning.py",
        "actions": [list(a) for a in ql.ACTIONS],
        "worlds": {name: {**_world_json(env), "n_states": env.n_states,
                          "transitions": _transitions(env)} for name, env in worlds.items()},
        "runs": runs, "value_iteration": vi,
    }


def main() -> None:
    write_fixture(FIXTURE, dumps(build()))


if __name__ == "__main__":
    main()
