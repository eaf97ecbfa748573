"""`python -m lineage`: the same as the `lineage` command."""

from lineage.cli.main import main

if __name__ == "__main__":
    main()
