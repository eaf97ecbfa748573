"""lineage: code-lineage and licence scanner for AI model code."""

__version__ = "0.1.0"
# The command and the import package are `lineage`; the distribution is `lineage-scan`
# because `lineage` on PyPI is an unrelated project.  Every URL we publish (package
# metadata, SARIF, HTML) is this one, so none points at someone else's page.
DISTRIBUTION = "lineage-scan"
PROJECT_URL = "https://pypi.org/project/lineage-scan/"
