"""Sub-commands of ``build.py``: each module has ``add_arguments`` and ``run``."""
