"""Validating a 100,000-row spreadsheet, as the check page does on every view.

Two files, each checked in a fresh child process so its peak memory is its own:
100,000 UK mobile numbers with a ``((name))`` placeholder (target <= 2 s and <= 150 MiB
peak for the whole validation), and 100,000 email addresses. Prints the median of
BENCH_RUNS (default 3) runs and the largest peak resident memory of the child
(reading the bytes, parsing, checking every row, keeping the sendable rows).

    .venv/bin/python bench/recipients_csv.py
"""

import csv
import io
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parents[1])
ROWS = int(os.environ.get("BENCH_ROWS", 100_000))
RUNS = int(os.environ.get("BENCH_RUNS", 3))


def child(kind):
    import resource
    import time

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notify_admin.settings")
    import django

    django.setup()
    from notifications.recipients import RecipientCSV

    out = io.StringIO()
    writer = csv.writer(out)
    if kind == "sms":
        writer.writerow(["phone number", "name"])
        writer.writerows([f"07700{900000 + i % 100_000:06d}"[:11], f"Person {i}"] for i in range(ROWS))
        options = {"template_type": "sms", "content": "Hello ((name)), your appointment is tomorrow."}
    else:
        writer.writerow(["email address", "name"])
        writer.writerows([f"person.{i}@example.gov.uk", f"Person {i}"] for i in range(ROWS))
        options = {"template_type": "email", "subject": "Hello", "content": "Dear ((name))"}
    data = out.getvalue().encode()
    del out
    start = time.perf_counter()
    recipients = RecipientCSV.from_file(data, f"{kind}.csv", **options)
    assert not recipients.errors, recipients.errors
    sendable = sum(1 for _ in recipients.sendable_rows())
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "rows": sendable}))


def main():
    for kind, label in (("sms", "phone numbers + ((name))"), ("email", "email addresses")):
        results = []
        for _ in range(RUNS):
            output = subprocess.run(
                [sys.executable, __file__, "--child", kind], check=True, capture_output=True, text=True
            ).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
        assert all(r["rows"] == ROWS for r in results)
        median = statistics.median(r["seconds"] for r in results)
        peak = max(r["peak_mib"] for r in results)
        runs = [round(r["seconds"], 2) for r in results]
        print(f"{ROWS:,} {label}: median {median:.2f} s, runs {runs}, peak {peak:.0f} MiB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main()
