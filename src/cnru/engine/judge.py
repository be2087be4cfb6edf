"""frictionless's verdict on a descriptor, from a process of its own.

Importing frictionless takes longer than checking a small package. So when the store does not
know a descriptor and frictionless is not imported yet, validation starts
`python -m cnru.engine.judge`, hands it the descriptor as frictionless checks it (schemas
inlined) and checks the files meanwhile, on another core; that process prints whether
frictionless finds the descriptor valid. When it does not, or the process fails, validation
starts again with frictionless in its own process, which names the problems and which
resources it rejects.
"""

from __future__ import annotations

import json
import subprocess
import sys

VALID = "valid"


class Judge:
    """The process judging one descriptor."""

    def __init__(self, descriptor: dict, basepath: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        try:  # read at once by the process, before it imports frictionless
            with self.process.stdin as request:
                json.dump({"descriptor": descriptor, "basepath": basepath}, request)
        except OSError:
            self.stop()
            raise

    def found_valid(self) -> bool:
        """Waits for the verdict: True only if frictionless found the descriptor valid."""
        with self.process.stdout as verdict:
            said = verdict.read().strip()
        return self.process.wait() == 0 and said == VALID

    def stop(self) -> None:
        """Ends the process if it still runs (validation stopped before its verdict)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()


def main() -> None:
    request = json.load(sys.stdin)
    from frictionless import Package

    report = Package.validate_descriptor(request["descriptor"], basepath=request["basepath"])
    print(VALID if report.valid else "rejected")


if __name__ == "__main__":
    main()
