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
bekannten Modell der Welt; ``tests/test_qlearning.py`` vergleicht beides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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
        if self.height < 1 or self.width < 1:
            raise ValueError("height und width müssen ≥ 1 sein.")
        cells = [self.start, *self.terminals, *self.walls]
        for cell in cells:
            if not (0 <= cell[0] < self.height and 0 <= cell[1] < self.width):
                raise ValueError(f"Feld {cell} liegt außerhalb des Gitters.")
        if self.start in self.walls or self.start in self.terminals:
            raise ValueError("Das Startfeld darf weder Wand noch Endfeld sein.")
        if set(self.walls) & set(self.terminals):
            raise ValueError("Ein Feld kann nicht zugleich Wand und Endfeld sein.")
        if not self.terminals:
            raise ValueError("Die Gitterwelt braucht mindestens ein Endfeld.")

    @property
    def n_states(self) -> int:
        return self.height * self.width

    @property
    def n_actions(self) -> int:
        return len(ACTIONS)

    def state(self, cell: tuple[int, int]) -> int:
        """Nummer des Zustands zu einem Feld (zeilenweise durchnummeriert)."""
        return cell[0] * self.width + cell[1]

    def cell(self, state: int) -> tuple[int, int]:
        """Feld (Zeile, Spalte) zu einer Zustandsnummer."""
        return divmod(int(state), self.width)

    def is_terminal(self, state: int) -> bool:
        return self.cell(state) in self.terminals

    def step(self, state: int, action: int) -> tuple[int, float, bool]:
        """Ein deterministischer Schritt: (Folgezustand, Belohnung, Episode zu Ende?).

        Ein Schritt gegen den Rand oder eine Wand lässt den Agenten stehen.
        """
        if not 0 <= action < self.n_actions:
            raise ValueError(f"Aktion muss 0 … {self.n_actions - 1} sein, nicht {action}.")
        r, c = self.cell(state)
        dr, dc = ACTIONS[action]
        nr, nc = r + dr, c + dc
        if not (0 <= nr < self.height and 0 <= nc < self.width) or (nr, nc) in self.walls:
            nr, nc = r, c
        if (nr, nc) in self.terminals:
            return self.state((nr, nc)), self.terminals[(nr, nc)], True
        return self.state((nr, nc)), self.step_reward, False


@dataclass
class QLearningConfig:
    episodes: int = 500  # Zahl der Episoden
    alpha: float = 0.5  # Lernrate: wie stark ein neuer Schritt die Schätzung verschiebt
    gamma: float = 0.9  # Diskontfaktor: Gewicht künftiger Belohnungen (0 … 1)
    epsilon: float = 0.1  # Anteil zufälliger Erkundungsschritte (ε-greedy)
    max_steps: int = 100  # Episode endet spätestens nach so vielen Schritten
    seed: int = 0  # Zufall für Erkundung und Gleichstände


@dataclass
class QLearningResult:
    q: np.ndarray  # (S, A) gelernte Q-Werte
    returns: np.ndarray  # (episodes,) Summe der Belohnungen je Episode
    lengths: np.ndarray  # (episodes,) Schritte je Episode
    visits: np.ndarray  # (S,) wie oft jeder Zustand betreten wurde


def _check_config(config: QLearningConfig) -> None:
    if not isinstance(config, QLearningConfig):
        raise TypeError("config muss eine QLearningConfig sein.")
    if not isinstance(config.episodes, int) or config.episodes < 1:
        raise ValueError(f"episodes muss eine ganze Zahl ≥ 1 sein, nicht {config.episodes!r}.")
    if not 0 < config.alpha <= 1:
        raise ValueError(f"alpha muss in (0, 1] liegen, nicht {config.alpha}.")
    if not 0 <= config.gamma <= 1:
        raise ValueError(f"gamma muss in [0, 1] liegen, nicht {config.gamma}.")
    if not 0 <= config.epsilon <= 1:
        raise ValueError(f"epsilon muss in [0, 1] liegen, nicht {config.epsilon}.")
    if not isinstance(config.max_steps, int) or config.max_steps < 1:
        raise ValueError(f"max_steps muss eine ganze Zahl ≥ 1 sein, nicht {config.max_steps!r}.")


def epsilon_greedy(q_row: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """Mit Wahrscheinlichkeit ``epsilon`` eine zufällige Aktion, sonst die beste.

    Gleichstände (etwa am Anfang, wenn alle Q-Werte 0 sind) werden zufällig
    aufgelöst – sonst liefe ein gieriger Agent immer in dieselbe Richtung.
    """
    if rng.random() < epsilon:
        return int(rng.integers(len(q_row)))
    best = np.flatnonzero(q_row == q_row.max())
    return int(rng.choice(best))


def q_learning(env: GridWorld, config: QLearningConfig | None = None) -> QLearningResult:
    """Trainiert eine Q-Tabelle mit ε-greedy-Erkundung; Startwerte sind 0."""
    config = config or QLearningConfig()
    _check_config(config)
    if not isinstance(env, GridWorld):
        raise TypeError("env muss eine GridWorld sein.")
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
            a = epsilon_greedy(q[s], config.epsilon, rng)
            s_next, r, done = env.step(s, a)
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
    if not isinstance(env, GridWorld):
        raise TypeError("env muss eine GridWorld sein.")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma muss in [0, 1] liegen, nicht {gamma}.")
    q = np.zeros((env.n_states, env.n_actions))
    active = [s for s in range(env.n_states)
              if not env.is_terminal(s) and env.cell(s) not in env.walls]
    for _ in range(max_iter):
        new = np.zeros_like(q)
        for s in active:
            for a in range(env.n_actions):
                s_next, r, done = env.step(s, a)
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
    q = np.asarray(q)
    if q.shape != (env.n_states, env.n_actions):
        raise ValueError(f"q muss die Form ({env.n_states}, {env.n_actions}) haben.")
    s = env.state(env.start)
    path, seen = [env.start], {s}
    for _ in range(max_steps):
        s, _, done = env.step(s, int(q[s].argmax()))
        path.append(env.cell(s))
        if done or s in seen:
            break
        seen.add(s)
    return path


def value_grid(env: GridWorld, q: np.ndarray) -> np.ndarray:
    """``max_a Q(s, a)`` als Gitter (height, width); Wände und Endfelder sind ``nan``."""
    q = np.asarray(q)
    if q.shape != (env.n_states, env.n_actions):
        raise ValueError(f"q muss die Form ({env.n_states}, {env.n_actions}) haben.")
    grid = q.max(axis=1).reshape(env.height, env.width).astype(float)
    for cell in (*env.walls, *env.terminals):
        grid[cell] = np.nan
    return grid
