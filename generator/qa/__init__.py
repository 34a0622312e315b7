"""Extractive question answering (SQuAD v2) through ONNX Runtime, for build-time evidence.

Modules, in pipeline order: ``resolve`` (find the model's files), ``windows`` (tokenize and cut
windows), ``backend`` (ONNX Runtime behind a one-method protocol), ``decoding`` (logits to an
answer or an abstention), ``pipeline`` (all of it, batched), ``metrics`` (SQuAD v2 EM/F1),
``examples`` (YAML example sets), ``evaluate`` and ``evidence`` (what the build calls). The
export and training scripts (``export``, ``train_tiny``) are the only ones that import torch.
"""
