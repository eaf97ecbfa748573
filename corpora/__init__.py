"""Reference data, not code.  This folder installs as the package ``lineage.corpora``
(pyproject.toml: package-dir), so a wheel carries the tables and ``lineage.data`` reads them
through importlib.resources the same way from a wheel, an editable install or a checkout."""
