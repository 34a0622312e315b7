"""Offline tools that make what the build reads; the build itself never imports them.

Run each as ``python -m tools.<name>`` from the project root:

- ``corpus_sample``: the synthetic Pile-format sample in ``content/corpus/pile-sample/``.
- ``train_qa``: fine-tune, export and evaluate the bundled QA model (needs the ``export`` extra).
- ``qa_data``: its training data, questions made by rule from CIA World Factbook text.
- ``train_tiny``: the previous stand-in, a tiny MobileBERT trained from scratch (kept to
  reproduce it; ``--out`` a folder of your choice).
- ``qa_synthetic``: the seeded synthetic QA task that ``train_tiny`` trains on.
- ``qa_vectors``: the shared Python/JavaScript QA test vectors in ``tests/vectors/``.

They may import ``generator``; nothing under ``generator/`` may import ``tools``
(``tests/test_structure.py`` checks).
"""
