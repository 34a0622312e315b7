#!/usr/bin/env python3
"""Thin entry point: ``python build.py [COMMAND] [OPTIONS]`` (see ``generator/cli.py``)."""

from __future__ import annotations

from generator.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
