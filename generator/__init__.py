"""Unfragile: a static site generator for comparison pages of AI artifacts."""

from __future__ import annotations

__version__ = "0.1.0"
