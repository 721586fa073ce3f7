"""Exact tokens under a model's own chat template, offline (the ``hf`` extra).

* ``model.load_model(DIR, chat_template=None)``: the tokenizer, template(s) and special tokens
  of a local model directory (``ChatModelError`` when unusable).
* ``template.render``: one conversation rendered as transformers' ``apply_chat_template``.
* ``training.analyse``: per-example tokens, trained tokens and truncation, in batches;
  ``training.LengthAggregate`` sums them mergeably.
* ``cache``: the loaded model and the current example's analysis, shared by the rules.
"""
