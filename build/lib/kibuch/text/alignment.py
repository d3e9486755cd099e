"""Vom Sprachmodell zum Assistenten: die Formeln des Präferenzlernens in wenigen Zeilen.

Ein vortrainiertes Sprachmodell setzt Text fort. Zum Assistenten wird es durch
Feintuning auf Demonstrationen und danach durch Präferenzlernen: Menschen vergleichen
zwei Antworten, und das Modell soll die bevorzugte wahrscheinlicher machen. Dieses
Modul enthält die Bausteine dafür als kleine Funktionen auf Tensoren:

- ``bradley_terry_prob``: Wahrscheinlichkeit, dass Antwort A vor B bevorzugt wird,
- ``preference_loss``: Verlust eines Belohnungsmodells auf Vergleichspaaren,
- ``kl_penalized_reward``: Belohnung minus Abstand zum Referenzmodell (RLHF mit PPO),
- ``optimal_policy``: die beste Verteilung für dieses Ziel in geschlossener Form,
- ``dpo_loss``: Direct Preference Optimization ohne Belohnungsmodell,
- ``format_chat``: ein Chatverlauf als ein einziger Text im ChatML-Format.

Log-Wahrscheinlichkeiten ``logp`` sind immer die einer *ganzen* Antwort, also die Summe
der Log-Wahrscheinlichkeiten ihrer Tokens. Eingaben dürfen Zahlen, Listen, NumPy-Arrays
oder Gleitkomma-Tensoren sein; Tensoren behalten ihren Gradienten. Beispiel::

    loss = dpo_loss(logp_chosen, logp_rejected, ref_logp_chosen, ref_logp_rejected,
                    beta=0.1)  # (B,) je Argument → Skalar
    loss.backward()
"""

from __future__ import annotations

import numpy as np

from kibuch.core.checks import check_array, check_bool, check_choice, check_float, check_instance

#: Erlaubte Werte für ``reduction``: Mittelwert, Summe oder ein Verlust je Paar.
REDUCTIONS = ("mean", "sum", "none")
#: Rollen in einem Chatverlauf (``system`` nur als erste Nachricht).
ROLES = ("system", "user", "assistant")
#: Steuerzeichen des ChatML-Formats: Beginn und Ende einer Nachricht.
IM_START, IM_END = "<|im_start|>", "<|im_end|>"


# ------------------------------------------------------------------------- Prüfungen


def _as_tensor(name: str, value):
    """Zahl, Liste, Array oder Gleitkomma-Tensor → Tensor (Tensoren bleiben unverändert)."""
    import torch

    if isinstance(value, torch.Tensor):
        if not value.is_floating_point():
            raise TypeError(f"{name} muss Gleitkommazahlen enthalten, nicht {value.dtype}.")
        if value.numel() == 0:
            raise ValueError(f"{name} darf nicht leer sein.")
        if not torch.isfinite(value.detach()).all():
            raise ValueError(f"{name} enthält NaN oder unendliche Werte.")
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} muss eine Zahl, eine Liste von Zahlen oder ein Tensor sein, "
                        "nicht bool.")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return torch.tensor(check_float(name, value), dtype=torch.float64)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _as_tensor(name, value[()])
    array = check_array(name, value, min_len=1)  # TypeError/ValueError mit dem Namen
    return torch.as_tensor(array, dtype=torch.float64)


def _same_shape(**tensors) -> None:
    (first, a), *rest = tensors.items()
    for other, b in rest:
        if a.shape != b.shape:
            raise ValueError(f"{first} und {other} müssen dieselbe Form haben, nicht "
                             f"{tuple(a.shape)} und {tuple(b.shape)}.")


def _log_probs(**values) -> list:
    """Log-Wahrscheinlichkeiten ganzer Antworten: Tensoren gleicher Form mit Werten ≤ 0."""
    tensors = {name: _as_tensor(name, value) for name, value in values.items()}
    for name, t in tensors.items():
        if (t.detach() > 0).any():
            raise ValueError(f"{name} muss Log-Wahrscheinlichkeiten enthalten (alle ≤ 0); "
                             "Wahrscheinlichkeiten vorher logarithmieren.")
    _same_shape(**tensors)
    return list(tensors.values())


def _reduce(losses, reduction: str):
    reduction = check_choice("reduction", reduction, REDUCTIONS)
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


# ------------------------------------------------------------- Belohnung und Präferenz


def bradley_terry_prob(r_chosen, r_rejected):
    """Wahrscheinlichkeit, dass ein Mensch Antwort A (``r_chosen``) vor B bevorzugt.

    Das Bradley-Terry-Modell nimmt an: Je größer der Abstand der Belohnungen, desto
    sicherer die Wahl, und zwar ``P(A ≻ B) = σ(r_A − r_B)``. Gleiche Belohnungen ergeben
    50 %; nur der Abstand zählt, nicht die Höhe. Beide Eingaben haben dieselbe Form.
    """
    import torch

    r_chosen, r_rejected = _as_tensor("r_chosen", r_chosen), _as_tensor("r_rejected", r_rejected)
    _same_shape(r_chosen=r_chosen, r_rejected=r_rejected)
    return torch.sigmoid(r_chosen - r_rejected)


def preference_loss(r_chosen, r_rejected, reduction: str = "mean"):
    """Verlust eines Belohnungsmodells: ``−log σ(r_A − r_B)`` je Vergleichspaar.

    Das ist die Kreuzentropie des Bradley-Terry-Modells mit der Beschriftung „A wurde
    bevorzugt“. ``reduction``: ``"mean"`` (Standard), ``"sum"`` oder ``"none"`` (ein
    Verlust je Paar). ``logsigmoid`` rechnet auch bei großen Abständen stabil.
    """
    import torch.nn.functional as F

    r_chosen, r_rejected = _as_tensor("r_chosen", r_chosen), _as_tensor("r_rejected", r_rejected)
    _same_shape(r_chosen=r_chosen, r_rejected=r_rejected)
    losses = -F.logsigmoid(r_chosen - r_rejected)  # (B,)
    return _reduce(losses, reduction)


def kl_penalized_reward(reward, logp, ref_logp, beta: float = 0.1):
    """Belohnung, von der RLHF mit PPO eine Strafe für den Abstand zur Referenz abzieht.

    ``reward − β · (log π(y|x) − log π_ref(y|x))``: Eine Antwort, die das trainierte
    Modell π viel wahrscheinlicher macht als das Referenzmodell π_ref (das Modell nach
    dem überwachten Feintuning), kostet Belohnung. Im Mittel über Antworten aus π ist der
    Abzug β mal die KL-Divergenz zwischen π und π_ref. ``beta`` > 0 regelt die Stärke.
    """
    reward = _as_tensor("reward", reward)
    logp, ref_logp = _log_probs(logp=logp, ref_logp=ref_logp)
    _same_shape(reward=reward, logp=logp)
    beta = check_float("beta", beta, minimum=0.0, open_min=True)
    return reward - beta * (logp - ref_logp)


def optimal_policy(ref_probs, rewards, beta: float = 0.1):
    """Die Verteilung, die ``E[r] − β · KL(π ‖ π_ref)`` maximiert: ``π* ∝ π_ref · exp(r/β)``.

    ``ref_probs`` ist die Verteilung des Referenzmodells über eine feste Menge möglicher
    Antworten (nicht negativ, Summe 1), ``rewards`` die Belohnung je Antwort (gleiche
    Form, letzte Achse = Antworten). Großes ``beta`` hält π* nahe an π_ref, kleines
    ``beta`` schiebt fast alles auf die Antwort mit der höchsten Belohnung.
    """
    import torch

    ref_probs, rewards = _as_tensor("ref_probs", ref_probs), _as_tensor("rewards", rewards)
    _same_shape(ref_probs=ref_probs, rewards=rewards)
    if (ref_probs.detach() < 0).any():
        raise ValueError("ref_probs darf keine negativen Wahrscheinlichkeiten enthalten.")
    total = ref_probs.detach().sum(dim=-1)
    if not torch.allclose(total, torch.ones_like(total), atol=1e-6):
        raise ValueError(f"ref_probs muss sich zu 1 summieren, nicht zu {total.tolist()}.")
    beta = check_float("beta", beta, minimum=0.0, open_min=True)
    # log π* = log π_ref + r/β − log Z; softmax normiert stabil (π_ref = 0 bleibt 0)
    logits = torch.log(ref_probs) + rewards / beta  # (…, K)
    return torch.softmax(logits, dim=-1)


# ------------------------------------------------------------------------------- DPO


def dpo_loss(logp_chosen, logp_rejected, ref_logp_chosen, ref_logp_rejected,
             beta: float = 0.1, reduction: str = "mean"):
    """Verlust der Direct Preference Optimization (DPO) für Paare bevorzugter Antworten.

    Die vier Eingaben sind Log-Wahrscheinlichkeiten ganzer Antworten (Form ``(B,)``):
    unter dem trainierten Modell π und unter dem festen Referenzmodell π_ref, jeweils für
    die bevorzugte (*chosen*) und die abgelehnte (*rejected*) Antwort. Die implizite
    Belohnung einer Antwort ist ``β · (log π − log π_ref)``; auf sie wird der
    Bradley-Terry-Verlust angewandt – ohne eigenes Belohnungsmodell und ohne RL-Schleife.
    """
    import torch.nn.functional as F

    logp_chosen, logp_rejected, ref_logp_chosen, ref_logp_rejected = _log_probs(
        logp_chosen=logp_chosen, logp_rejected=logp_rejected,
        ref_logp_chosen=ref_logp_chosen, ref_logp_rejected=ref_logp_rejected)
    beta = check_float("beta", beta, minimum=0.0, open_min=True)
    reward_chosen = beta * (logp_chosen - ref_logp_chosen)  # (B,) implizite Belohnung
    reward_rejected = beta * (logp_rejected - ref_logp_rejected)  # (B,)
    losses = -F.logsigmoid(reward_chosen - reward_rejected)  # (B,) wie preference_loss
    return _reduce(losses, reduction)


# ------------------------------------------------------------------------ Chatformat


def format_chat(messages, add_generation_prompt: bool = True) -> str:
    """Setzt einen Chatverlauf zu einem einzigen Text im ChatML-Format zusammen.

    ``messages`` ist eine Liste von dicts mit ``role`` (``"system"``, ``"user"``,
    ``"assistant"``) und ``content``; eine Systemnachricht darf nur am Anfang stehen.
    Jede Nachricht wird zu ``<|im_start|>rolle\\ninhalt<|im_end|>\\n``. Mit
    ``add_generation_prompt`` endet der Text mit dem Beginn einer Assistenten-Nachricht,
    die das Modell dann fortsetzt. Inhalte mit den Steuerzeichen selbst sind verboten:
    Sonst könnte eine Nutzerin eine Systemnachricht vortäuschen.
    """
    check_instance("messages", messages, (list, tuple), "eine Liste von Nachrichten (dicts)")
    if not messages:
        raise ValueError("messages muss mindestens eine Nachricht enthalten.")
    add_generation_prompt = check_bool("add_generation_prompt", add_generation_prompt)
    parts = []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        check_instance(where, message, dict, "ein dict mit 'role' und 'content'")
        if set(message) != {"role", "content"}:
            raise ValueError(f"{where} muss genau die Schlüssel 'role' und 'content' haben, "
                             f"nicht {sorted(message)}.")
        role = check_choice(f"{where}['role']", message["role"], ROLES)
        if role == "system" and i > 0:
            raise ValueError(f"{where}: Eine Systemnachricht darf nur am Anfang stehen.")
        content = message["content"]
        check_instance(f"{where}['content']", content, str, "ein String")
        if IM_START in content or IM_END in content:
            raise ValueError(f"{where}['content'] darf die Steuerzeichen {IM_START} und "
                             f"{IM_END} nicht enthalten.")
        parts.append(f"{IM_START}{role}\n{content}{IM_END}\n")
    if add_generation_prompt:
        parts.append(f"{IM_START}assistant\n")
    return "".join(parts)
