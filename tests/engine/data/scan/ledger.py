"""Read, clean and summarise small CSV ledgers; written for lineage's engine tests."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m-%d-%Y")


class LedgerError(ValueError):
    pass


def sniff_delimiter(sample: str) -> str:
    counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def parse_amount(text: str) -> int:
    """Turn '1,234.50' or '(12.00)' into cents."""
    raw = text.strip().replace(" ", "")
    negative = raw.startswith("(") and raw.endswith(")")
    raw = raw.strip("()").replace(",", "")
    if raw.startswith("-"):
        negative = not negative
        raw = raw[1:]
    whole, _, frac = raw.partition(".")
    if not whole.isdigit() and whole:
        raise LedgerError(f"not an amount: {text!r}")
    cents = int(whole or "0") * 100 + int((frac + "00")[:2] or "0")
    return -cents if negative else cents


def parse_day(text: str) -> date:
    from datetime import datetime

    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise LedgerError(f"not a date: {text!r}")


class Entry:
    __slots__ = ("day", "account", "memo", "cents")

    def __init__(self, day, account, memo, cents):
        self.day = day
        self.account = account
        self.memo = memo
        self.cents = cents

    def __repr__(self):
        return f"Entry({self.day.isoformat()}, {self.account!r}, {self.cents})"

    def month(self):
        return (self.day.year, self.day.month)


def read_ledger(text: str):
    delimiter = sniff_delimiter(text[:2048])
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    wanted = {"date", "account", "memo", "amount"}
    header = {h.strip().lower() for h in reader.fieldnames or []}
    if not wanted <= header:
        raise LedgerError("missing columns: " + ", ".join(sorted(wanted - header)))
    entries, problems = [], []
    for row_no, row in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "") for k, v in row.items() if k}
        try:
            entries.append(Entry(parse_day(row["date"]), row["account"].strip(),
                                 row["memo"].strip(), parse_amount(row["amount"])))
        except LedgerError as exc:
            problems.append((row_no, str(exc)))
    return entries, problems


def balances(entries):
    totals = defaultdict(int)
    for e in entries:
        totals[e.account] += e.cents
    return dict(sorted(totals.items()))


def monthly(entries, account=None):
    table = defaultdict(lambda: defaultdict(int))
    for e in entries:
        if account is not None and e.account != account:
            continue
        table[e.month()][e.account] += e.cents
    return {k: dict(v) for k, v in sorted(table.items())}


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def duplicates(entries):
    seen = {}
    dupes = []
    for i, e in enumerate(entries):
        key = (e.day, e.account, e.cents, e.memo.lower())
        if key in seen:
            dupes.append((seen[key], i))
        else:
            seen[key] = i
    return dupes


def write_report(entries, out):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["account", "balance"])
    for account, cents in balances(entries).items():
        writer.writerow([account, format_cents(cents)])
    writer.writerow([])
    writer.writerow(["month", "account", "total"])
    for (year, month), accounts in monthly(entries).items():
        for account, cents in accounts.items():
            writer.writerow([f"{year}-{month:02d}", account, format_cents(cents)])


def reconcile(entries, statement):
    """Pair ledger entries with statement lines by day and amount; return the leftovers."""
    pool = defaultdict(list)
    for i, e in enumerate(entries):
        pool[(e.day, e.cents)].append(i)
    unmatched = []
    for line in statement:
        key = (line.day, line.cents)
        if pool.get(key):
            pool[key].pop(0)
        else:
            unmatched.append(line)
    leftover = [entries[i] for ids in pool.values() for i in ids]
    return leftover, unmatched


def split_by_account(entries):
    groups = {}
    for e in entries:
        groups.setdefault(e.account, []).append(e)
    for items in groups.values():
        items.sort(key=lambda e: (e.day, e.cents))
    return groups


def running_balance(entries):
    total = 0
    out = []
    for e in sorted(entries, key=lambda e: e.day):
        total += e.cents
        out.append((e.day, total))
    return out


def largest(entries, n=5):
    ranked = sorted(entries, key=lambda e: abs(e.cents), reverse=True)
    return ranked[:n]


def main(argv=None):
    import argparse
    import sys

    ap = argparse.ArgumentParser(description="Summarise a CSV ledger.")
    ap.add_argument("path")
    ap.add_argument("--account")
    args = ap.parse_args(argv)
    with open(args.path, encoding="utf-8") as handle:
        entries, problems = read_ledger(handle.read())
    for row_no, message in problems:
        print(f"row {row_no}: {message}", file=sys.stderr)
    if args.account:
        entries = [e for e in entries if e.account == args.account]
    write_report(entries, sys.stdout)
    return 1 if problems else 0
