"""Tabellarisches Q-Learning in einer kleinen Gitterwelt.

Ein Agent läuft auf einem Gitter von Feld zu Feld. **Zustand** (*state*) ist das
Feld, auf dem er steht; **Aktionen** sind die vier Richtungen; eine **Belohnung**
(*reward*) gibt es beim Betreten eines Endfelds (Schatz oder Falle). Eine
**Episode** beginnt am Start und endet auf einem Endfeld oder nach ``max_steps``.

Q-Learning (Watkins & Dayan 1992) schätzt für jedes Paar (Zustand, Aktion) den
Wert ``Q(s, a)``: die erwartete, mit ``gamma`` abgezinste Summe künftiger
Belohnungen, wenn man in ``s`` die Aktion ``a`` wählt und danach bestmöglich
weitermacht. Nach jedem Schritt gilt die Aktualisierung::

    Q(s, a) ← Q(s, a) + alpha · (r + gamma · max_a' Q(s', a') − Q(s, a))

Zur Kontrolle berechnet ``value_iteration`` dieselben Werte direkt aus dem
bekannten Modell der Welt; ``tests/scratch/test_qlearning.py`` vergleicht beides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kibuch.core.checks import (
    check_array,
    check_float,
    check_instance,
    check_int,
    check_probability,
)

#: Aktionen als (Zeilen-, Spaltenschritt); Zeile 0 ist oben.
ACTIONS = ((-1, 0), (0, 1), (1, 0), (0, -1))
ACTION_NAMES = ("hoch", "rechts", "runter", "links")
ACTION_ARROWS = ("↑", "→", "↓", "←")


def _default_terminals() -> dict[tuple[int, int], float]:
    return {(0, 4): 1.0, (3, 2): 0.3, (1, 2): -1.0}


@dataclass
class GridWorld:
    height: int = 4  # Zeilen
    width: int = 5  # Spalten
    start: tuple[int, int] = (3, 0)  # Startfeld (Zeile, Spalte), unten links
    # Endfelder mit ihrer Belohnung: großer Schatz oben rechts, kleiner Schatz
    # nahe am Start, eine Falle dazwischen
    terminals: dict[tuple[int, int], float] = field(default_factory=_default_terminals)
    walls: tuple[tuple[int, int], ...] = ()  # unbetretbare Felder
    step_reward: float = 0.0  # Belohnung für jeden gewöhnlichen Schritt

    def __post_init__(self):
        check_int("height", self.height, minimum=1)
        check_int("width", self.width, minimum=1)
        check_float("step_reward", self.step_reward)
        check_instance("terminals", self.terminals, dict, "ein dict {Feld: Belohnung}")
        if not self.terminals:
            raise ValueError("Die Gitterwelt braucht mindestens ein Endfeld.")
        for cell, reward in self.terminals.items():
            self._check_cell(f"terminals[{cell!r}]", cell)
            check_float(f"terminals[{cell!r}]", reward)
        self._check_cell("start", self.start)
        check_instance("walls", self.walls, (tuple, list), "eine Folge von Feldern")
        for i, cell in enumerate(self.walls):
            self._check_cell(f"walls[{i}]", cell)
        if self.start in self.walls or self.start in self.terminals:
            raise ValueError("Das Startfeld darf weder Wand noch Endfeld sein.")
        if set(self.walls) & set(self.terminals):
            raise ValueError("Ein Feld kann nicht zugleich Wand und Endfeld sein.")

    def _check_cell(self, name: str, cell) -> tuple[int, int]:
        """Ein Feld ist ein Paar (Zeile, Spalte) ganzer Zahlen innerhalb des Gitters."""
        check_instance(name, cell, tuple, "ein Paar (Zeile, Spalte)")
        if len(cell) != 2:
            raise ValueError(f"{name} muss ein Paar (Zeile, Spalte) sein, nicht {cell!r}.")
        row = check_int(f"{name} (Zeile)", cell[0])
        col = check_int(f"{name} (Spalte)", cell[1])
        if not (0 <= row < self.height and 0 <= col < self.width):
            raise ValueError(f"Feld {cell} ({name}) liegt außerhalb des Gitters "
                             f"{self.height} × {self.width}.")
        return row, col

    @property
    def n_states(self) -> int:
        return self.height * self.width

    @property
    def n_actions(self) -> int:
        return len(ACTIONS)

    def state(self, cell: tuple[int, int]) -> int:
        """Nummer des Zustands zu einem Feld (zeilenweise durchnummeriert)."""
        row, col = self._check_cell("cell", cell)
        return row * self.width + col

    def cell(self, state: int) -> tuple[int, int]:
        """Feld (Zeile, Spalte) zu einer Zustandsnummer."""
        return divmod(check_int("state", state, 0, self.n_states - 1), self.width)

    def is_terminal(self, state: int) -> bool:
        return self.cell(state) in self.terminals

    def step(self, state: int, action: int) -> tuple[int, float, bool]:
        """Ein deterministischer Schritt: (Folgezustand, Belohnung, Episode zu Ende?).

        Ein Schritt gegen den Rand oder eine Wand lässt den Agenten stehen.
        """
        state = check_int("state", state, 0, self.n_states - 1)
        return self._step(state, check_int("action", action, 0, self.n_actions - 1))

    def _step(self, state: int, action: int) -> tuple[int, float, bool]:
        """``step`` ohne Argumentprüfung – für die inneren Schleifen des Trainings."""
        r, c = divmod(state, self.width)
        dr, dc = ACTIONS[action]
        nr, nc = r + dr, c + dc
        if not (0 <= nr < self.height and 0 <= nc < self.width) or (nr, nc) in self.walls:
            nr, nc = r, c
        if (nr, nc) in self.terminals:
            return nr * self.width + nc, self.terminals[(nr, nc)], True
        return nr * self.width + nc, self.step_reward, False


@dataclass
class QLearningConfig:
    episodes: int = 500  # Zahl der Episoden
    alpha: float = 0.5  # Lernrate: wie stark ein neuer Schritt die Schätzung verschiebt
    gamma: float = 0.9  # Diskontfaktor: Gewicht künftiger Belohnungen (0 … 1)
    epsilon: float = 0.1  # Anteil zufälliger Erkundungsschritte (ε-greedy)
    max_steps: int = 100  # Episode endet spätestens nach so vielen Schritten
    seed: int = 0  # Zufall für Erkundung und Gleichstände

    def __post_init__(self):
        _check_config(self)


@dataclass
class QLearningResult:
    q: np.ndarray  # (S, A) gelernte Q-Werte
    returns: np.ndarray  # (episodes,) Summe der Belohnungen je Episode
    lengths: np.ndarray  # (episodes,) Schritte je Episode
    visits: np.ndarray  # (S,) wie oft jeder Zustand betreten wurde


def _check_config(config) -> QLearningConfig:
    check_instance("config", config, QLearningConfig)
    check_int("episodes", config.episodes, minimum=1)
    check_float("alpha", config.alpha, 0.0, 1.0, open_min=True)
    check_probability("gamma", config.gamma)
    check_probability("epsilon", config.epsilon)
    check_int("max_steps", config.max_steps, minimum=1)
    check_int("seed", config.seed, minimum=0)
    return config


def _check_q(env: GridWorld, q) -> np.ndarray:
    q = check_array("q", q, ndim=2)
    if q.shape != (env.n_states, env.n_actions):
        raise ValueError(f"q muss die Form ({env.n_states}, {env.n_actions}) haben, "
                         f"nicht {q.shape}.")
    return q


def epsilon_greedy(q_row: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """Mit Wahrscheinlichkeit ``epsilon`` eine zufällige Aktion, sonst die beste.

    Gleichstände (etwa am Anfang, wenn alle Q-Werte 0 sind) werden zufällig
    aufgelöst – sonst liefe ein gieriger Agent immer in dieselbe Richtung.
    """
    q_row = check_array("q_row", q_row, ndim=1)
    epsilon = check_probability("epsilon", epsilon)
    check_instance("rng", rng, np.random.Generator, "ein numpy.random.Generator")
    return _epsilon_greedy(q_row, epsilon, rng)


def _epsilon_greedy(q_row: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    if rng.random() < epsilon:
        return int(rng.integers(len(q_row)))
    best = np.flatnonzero(q_row == q_row.max())
    return int(rng.choice(best))


def q_learning(env: GridWorld, config: QLearningConfig | None = None) -> QLearningResult:
    """Trainiert eine Q-Tabelle mit ε-greedy-Erkundung; Startwerte sind 0.

    Die Schleife ruft ``_epsilon_greedy`` und ``env._step``: dieselben Rechnungen wie
    ``epsilon_greedy`` und ``env.step``, nur ohne die Argumentprüfung in jedem Schritt.
    """
    check_instance("env", env, GridWorld)
    config = _check_config(QLearningConfig() if config is None else config)
    rng = np.random.default_rng(config.seed)
    q = np.zeros((env.n_states, env.n_actions))  # (S, A)
    visits = np.zeros(env.n_states, dtype=int)  # (S,)
    returns = np.zeros(config.episodes)
    lengths = np.zeros(config.episodes, dtype=int)
    start = env.state(env.start)
    for ep in range(config.episodes):
        s, total, steps = start, 0.0, 0
        visits[s] += 1
        while steps < config.max_steps:
            steps += 1
            a = _epsilon_greedy(q[s], config.epsilon, rng)
            s_next, r, done = env._step(s, a)
            target = r if done else r + config.gamma * q[s_next].max()
            q[s, a] += config.alpha * (target - q[s, a])
            total += r
            visits[s_next] += 1
            s = s_next
            if done:
                break
        returns[ep], lengths[ep] = total, steps
    return QLearningResult(q, returns, lengths, visits)


def value_iteration(env: GridWorld, gamma: float = 0.9, *, tol: float = 1e-12,
                    max_iter: int = 10_000) -> np.ndarray:
    """Optimale Q-Werte (S, A) aus dem bekannten Modell (Bellman-Gleichung).

    Wiederholt ``Q(s, a) = r + gamma · max_a' Q(s', a')`` für alle Paare, bis sich
    nichts mehr ändert. Endzustände, Wände und unerreichbare Felder behalten 0.
    """
    check_instance("env", env, GridWorld)
    gamma = check_probability("gamma", gamma)
    tol = check_float("tol", tol, minimum=0.0, open_min=True)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    q = np.zeros((env.n_states, env.n_actions))
    active = [s for s in range(env.n_states)
              if not env.is_terminal(s) and env.cell(s) not in env.walls]
    for _ in range(max_iter):
        new = np.zeros_like(q)
        for s in active:
            for a in range(env.n_actions):
                s_next, r, done = env._step(s, a)
                new[s, a] = r if done else r + gamma * q[s_next].max()
        delta = np.abs(new - q).max()
        q = new
        if delta < tol:
            return q
    raise RuntimeError(f"Value Iteration ist nach {max_iter} Runden nicht konvergiert.")


def greedy_path(env: GridWorld, q: np.ndarray, *, max_steps: int = 50) -> list[tuple[int, int]]:
    """Felder, die ein gieriger Agent (immer ``argmax Q``) ab dem Start besucht.

    Bei Gleichstand gewinnt die erste Aktion (hoch, rechts, runter, links). Der Weg
    endet auf einem Endfeld, bei einer Schleife oder nach ``max_steps`` Schritten.
    """
    check_instance("env", env, GridWorld)
    q = _check_q(env, q)
    max_steps = check_int("max_steps", max_steps, minimum=1)
    s = env.state(env.start)
    path, seen = [env.start], {s}
    for _ in range(max_steps):
        s, _, done = env._step(s, int(q[s].argmax()))
        path.append(env.cell(s))
        if done or s in seen:
            break
        seen.add(s)
    return path


def value_grid(env: GridWorld, q: np.ndarray) -> np.ndarray:
    """``max_a Q(s, a)`` als Gitter (height, width); Wände und Endfelder sind ``nan``."""
    check_instance("env", env, GridWorld)
    q = _check_q(env, q)
    grid = q.max(axis=1).reshape(env.height, env.width).astype(float)
    for cell in (*env.walls, *env.terminals):
        grid[cell] = np.nan
    return grid
