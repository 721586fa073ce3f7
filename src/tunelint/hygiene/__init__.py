"""Clean-data checks: secrets, personal data, near-duplicates and eval contamination.

The scanners here know nothing of rules or output: ``secrets`` and ``pii`` find ``Match``es
in one string, ``minhash`` estimates word-shingle similarity, ``contamination`` indexes eval
items by long word n-grams. The rules in ``tunelint.rules`` turn them into findings.
"""
