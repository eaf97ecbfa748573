"""lineage.pipeline: the scan pipeline behind ``lineage.api``'s scan functions.

``scan`` reads a target and hands its files to ``scan_files``: fingerprint and classify
(``lineage.compact``), query the index, attribute and classify the matches (``match``),
find the notices of unmatched files and vestiges, assemble the ScanResult (``scan``).
"""
