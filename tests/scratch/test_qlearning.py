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


def test_errors():
    env = GridWorld()
    with pytest.raises(ValueError, match="alpha"):
        q_learning(env, QLearningConfig(alpha=0.0))
    with pytest.raises(ValueError, match="gamma"):
        q_learning(env, QLearningConfig(gamma=1.5))
    with pytest.raises(ValueError, match="epsilon"):
        q_learning(env, QLearningConfig(epsilon=-0.1))
    with pytest.raises(ValueError, match="episodes"):
        q_learning(env, QLearningConfig(episodes=0))
    with pytest.raises(ValueError, match="max_steps"):
        q_learning(env, QLearningConfig(max_steps=0))
    with pytest.raises(TypeError, match="QLearningConfig"):
        q_learning(env, {"episodes": 3})
    with pytest.raises(TypeError, match="GridWorld"):
        q_learning("welt")
    with pytest.raises(TypeError, match="GridWorld"):
        value_iteration("welt")
    with pytest.raises(ValueError, match="gamma"):
        value_iteration(env, -0.1)
    with pytest.raises(RuntimeError, match="konvergiert"):
        value_iteration(env, 1.0, max_iter=2)
    with pytest.raises(ValueError, match="außerhalb"):
        GridWorld(start=(9, 9))
    with pytest.raises(ValueError, match="Startfeld"):
        GridWorld(start=(0, 4))
    with pytest.raises(ValueError, match="Wand und Endfeld"):
        GridWorld(walls=((0, 4),))
    with pytest.raises(ValueError, match="mindestens ein Endfeld"):
        GridWorld(terminals={})
    with pytest.raises(ValueError, match="height"):
        GridWorld(height=0)
    with pytest.raises(ValueError, match="Aktion"):
        env.step(0, 4)
    with pytest.raises(ValueError, match="Form"):
        greedy_path(env, np.zeros((3, 4)))
    with pytest.raises(ValueError, match="Form"):
        value_grid(env, np.zeros((3, 4)))
