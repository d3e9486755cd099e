"""Tests für kibuch.scratch.qlearning – Q-Learning gegen Value Iteration."""

import numpy as np
import pytest

from kibuch.scratch.qlearning import (
    GridWorld,
    QLearningConfig,
    epsilon_greedy,
    greedy_path,
    q_learning,
    value_grid,
    value_iteration,
)


def test_step_dynamics():
    env = GridWorld()
    start = env.state(env.start)
    assert env.step(start, 3) == (start, 0.0, False)  # links gegen den Rand
    s, r, done = env.step(start, 0)  # hoch
    assert env.cell(s) == (2, 0) and r == 0.0 and not done
    s, r, done = env.step(env.state((3, 1)), 1)  # rechts auf den kleinen Schatz
    assert env.cell(s) == (3, 2) and r == pytest.approx(0.3) and done
    walled = GridWorld(walls=((2, 0),))
    assert walled.step(start, 0)[0] == start


@pytest.mark.parametrize("gamma", [0.5, 0.9])
def test_value_iteration_matches_shortest_path_values(gamma):
    env = GridWorld()
    q = value_iteration(env, gamma)
    # Vom Start zum großen Schatz sind es 7 Schritte, zum kleinen 2:
    # Wert = Belohnung · gamma^(Schritte − 1)
    expected = max(1.0 * gamma**6, 0.3 * gamma)
    assert q[env.state(env.start)].max() == pytest.approx(expected)


def test_q_learning_converges_to_value_iteration():
    # Deterministische Welt, alpha = 1 und rein zufälliges Verhalten (off-policy):
    # Q-Learning muss die optimalen Q-Werte exakt treffen.
    env = GridWorld()
    result = q_learning(env, QLearningConfig(episodes=3000, alpha=1.0, epsilon=1.0,
                                             gamma=0.9, seed=0))
    np.testing.assert_allclose(result.q, value_iteration(env, 0.9), atol=1e-9)
    assert greedy_path(env, result.q)[-1] == (0, 4)


def test_discount_changes_policy():
    env = GridWorld()
    assert greedy_path(env, value_iteration(env, 0.5))[-1] == (3, 2)
    assert greedy_path(env, value_iteration(env, 0.95))[-1] == (0, 4)


def test_epsilon_zero_sticks_with_first_reward():
    env = GridWorld()
    result = q_learning(env, QLearningConfig(episodes=300, epsilon=0.0, seed=1))
    path = greedy_path(env, result.q)
    assert path[-1] in env.terminals
    assert result.returns.shape == (300,) and result.lengths.min() >= 1
    assert result.visits.sum() == result.lengths.sum() + 300


def test_epsilon_greedy():
    rng = np.random.default_rng(0)
    q_row = np.array([0.0, 2.0, 2.0, -1.0])
    picks = [epsilon_greedy(q_row, 0.0, rng) for _ in range(200)]
    assert set(picks) == {1, 2}  # Gleichstand zufällig aufgelöst
    picks = [epsilon_greedy(q_row, 1.0, rng) for _ in range(400)]
    assert set(picks) == {0, 1, 2, 3}


def test_value_grid():
    env = GridWorld()
    grid = value_grid(env, value_iteration(env, 0.9))
    assert grid.shape == (env.height, env.width)
    assert np.isnan(grid[0, 4]) and np.isfinite(grid[3, 0])


def test_unchecked_inner_loop_matches_public_functions():
    """q_learning nutzt _step/_epsilon_greedy; sie müssen step/epsilon_greedy gleichen."""
    env = GridWorld(walls=((1, 1),))
    for s in range(env.n_states):
        if env.cell(s) in env.walls:
            continue
        for a in range(env.n_actions):
            assert env._step(s, a) == env.step(s, a)
    q_row = np.array([0.0, 1.0, 1.0, 0.5])
    picks = [epsilon_greedy(q_row, 0.3, np.random.default_rng(i)) for i in range(50)]
    from kibuch.scratch.qlearning import _epsilon_greedy
    assert picks == [_epsilon_greedy(q_row, 0.3, np.random.default_rng(i)) for i in range(50)]


def test_state_and_cell_round_trip():
    env = GridWorld()
    assert [env.cell(env.state((r, c))) for r in range(4) for c in range(5)] == \
        [(r, c) for r in range(4) for c in range(5)]
    assert env.state((np.int64(1), np.int64(2))) == 7
    assert env.is_terminal(env.state((0, 4))) and not env.is_terminal(env.state((3, 0)))


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda env: q_learning(env, QLearningConfig(alpha=0.0)), ValueError, "alpha"),
        (lambda env: q_learning(env, QLearningConfig(alpha=1.5)), ValueError, "alpha"),
        (lambda env: q_learning(env, QLearningConfig(gamma=1.5)), ValueError, "gamma"),
        (lambda env: q_learning(env, QLearningConfig(gamma=float("nan"))), ValueError, "gamma"),
        (lambda env: q_learning(env, QLearningConfig(epsilon=-0.1)), ValueError, "epsilon"),
        (lambda env: q_learning(env, QLearningConfig(epsilon="0.1")), TypeError, "epsilon"),
        (lambda env: q_learning(env, QLearningConfig(episodes=0)), ValueError, "episodes"),
        (lambda env: q_learning(env, QLearningConfig(episodes=10.0)), TypeError, "episodes"),
        (lambda env: q_learning(env, QLearningConfig(max_steps=0)), ValueError, "max_steps"),
        (lambda env: q_learning(env, QLearningConfig(seed=-1)), ValueError, "seed"),
        (lambda env: q_learning(env, {"episodes": 3}), TypeError, "QLearningConfig"),
        (lambda env: q_learning("welt"), TypeError, "GridWorld"),
        (lambda env: value_iteration("welt"), TypeError, "GridWorld"),
        (lambda env: value_iteration(env, -0.1), ValueError, "gamma"),
        (lambda env: value_iteration(env, 0.9, tol=0.0), ValueError, "tol"),
        (lambda env: value_iteration(env, 0.9, max_iter=0), ValueError, "max_iter"),
        (lambda env: value_iteration(env, 1.0, max_iter=2), RuntimeError, "konvergiert"),
        (lambda env: env.step(0, 4), ValueError, "action"),
        (lambda env: env.step(0, -1), ValueError, "action"),
        (lambda env: env.step(0, 1.0), TypeError, "action"),
        (lambda env: env.step(20, 0), ValueError, "state"),
        (lambda env: env.cell(-1), ValueError, "state"),
        (lambda env: env.state((4, 0)), ValueError, "außerhalb"),
        (lambda env: env.state([0, 0]), TypeError, "Paar"),
        (lambda env: greedy_path(env, np.zeros((3, 4))), ValueError, "Form"),
        (lambda env: greedy_path(env, np.full((20, 4), np.nan)), ValueError, "NaN"),
        (lambda env: greedy_path(env, np.zeros((20, 4)), max_steps=0), ValueError, "max_steps"),
        (lambda env: value_grid(env, np.zeros((3, 4))), ValueError, "Form"),
        (lambda env: value_grid(env, "q"), TypeError, "q muss"),
        (lambda env: epsilon_greedy([0.0, 1.0], 1.5, np.random.default_rng(0)), ValueError,
         "epsilon"),
        (lambda env: epsilon_greedy([0.0, np.nan], 0.1, np.random.default_rng(0)), ValueError,
         "NaN"),
        (lambda env: epsilon_greedy([0.0, 1.0], 0.1, 0), TypeError, "rng"),
    ],
)
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call(GridWorld())


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"start": (9, 9)}, ValueError, "außerhalb"),
        ({"start": (0, 4)}, ValueError, "Startfeld"),
        ({"start": (3.0, 0)}, TypeError, "start"),
        ({"start": [3, 0]}, TypeError, "start"),
        ({"walls": ((0, 4),)}, ValueError, "Wand und Endfeld"),
        ({"walls": ((5, 5),)}, ValueError, "außerhalb"),
        ({"terminals": {}}, ValueError, "mindestens ein Endfeld"),
        ({"terminals": {(0, 4): "viel"}}, TypeError, "terminals"),
        ({"terminals": {(0, 4): float("nan")}}, ValueError, "terminals"),
        ({"terminals": [(0, 4)]}, TypeError, "terminals"),
        ({"height": 0}, ValueError, "height"),
        ({"width": 2.5}, TypeError, "width"),
        ({"step_reward": None}, TypeError, "step_reward"),
    ],
)
def test_gridworld_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        GridWorld(**kwargs)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [({"episodes": "3"}, TypeError, "episodes"), ({"alpha": float("nan")}, ValueError, "alpha"),
     ({"gamma": -0.1}, ValueError, "gamma"), ({"epsilon": True}, TypeError, "epsilon"),
     ({"max_steps": None}, TypeError, "max_steps"), ({"seed": 2.5}, TypeError, "seed")],
)
def test_config_is_checked_when_built(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        QLearningConfig(**kwargs)
