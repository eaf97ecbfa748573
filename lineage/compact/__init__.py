"""lineage.compact: the fingerprint-and-classify step that the index build and the scan share.

A file is parsed, fingerprinted and its units given roles here (``files``, ``roles``), so a
reference and a scanned file go through exactly the same code.  The package sits below both
``lineage.index`` and ``lineage.classify`` and imports neither: index -> compact <- classify.
"""
