"""Extractive question answering (SQuAD v2) through ONNX Runtime, for build-time evidence.

Modules, in pipeline order: ``resolve`` (find the model's files; ``vocab`` builds a missing
``tokenizer.json``), ``windows`` (tokenize and cut windows), ``backend`` (ONNX Runtime behind a
one-method protocol), ``decoding`` (logits to an answer or an abstention), ``pipeline`` (all of
it, batched), ``session`` (the one way to open a resolved model as a pipeline), ``metrics``
(SQuAD v2 EM/F1), ``examples`` (YAML example sets), ``evaluate`` and ``evidence`` (what the build
calls). ``export`` is the only module that imports torch; the training script and the synthetic
task live outside the runtime package, in ``tools/`` (``python -m tools.train_tiny``).
"""
