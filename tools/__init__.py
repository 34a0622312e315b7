"""Offline tools that make what the build reads; the build itself never imports them.

Run each as ``python -m tools.<name>`` from the project root:

- ``corpus_sample``: the synthetic Pile-format sample in ``content/corpus/pile-sample/``.
- ``train_tiny``: train and export the bundled QA stand-in (needs the ``export`` extra).
- ``qa_synthetic``: the seeded synthetic QA task that ``train_tiny`` trains on.
- ``qa_vectors``: the shared Python/JavaScript QA test vectors in ``tests/vectors/``.

They may import ``generator``; nothing under ``generator/`` may import ``tools``
(``tests/test_structure.py`` checks).
"""
