"""Synthetic KB generator: cards, experiment configs and docs in the reference KB layout.

``python -m bench.synth OUT_DIR --cards N [--seed S] [--broken F]`` or
``generate_kb(out, n_cards, seed)``. Text comes from word lists, never from a real corpus.
"""

from bench.synth.generate import generate_kb, main

__all__ = ["generate_kb", "main"]
