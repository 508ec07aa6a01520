"""The scenario convention shared by the project's client scripts (see ../shared/compat/README.md).

Each check prints `PASS <name>` or `FAIL <name> — <detail>`; `finish()` prints the summary line
`<name>: N passed, M failed` and exits 0 only when M is 0.
"""
import sys


class Scenario:
    def __init__(self, name):
        self.name = name
        self.results = []

    def check(self, name, ok, detail=""):
        self.results.append(bool(ok))
        print(("PASS " if ok else "FAIL ") + name + ((" — " + str(detail)) if detail and not ok else ""))

    def finish(self):
        passed = sum(1 for r in self.results if r)
        failed = len(self.results) - passed
        print("%s: %d passed, %d failed" % (self.name, passed, failed))
        sys.exit(0 if failed == 0 else 1)
