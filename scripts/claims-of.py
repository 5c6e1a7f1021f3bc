#!/usr/bin/env python3
"""Print the closing-claim lines (✓/✗ from checkClaim, and the '·' ablation verdicts) and the backend line of
executed notebooks: `/usr/bin/python3 scripts/claims-of.py build/executed/*.ipynb` — what docs/results.md's
laptop-mode tables are copied from."""
import json
import sys

for path in sys.argv[1:]:
    nb = json.load(open(path))
    print(f"== {path}")
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = "".join(out.get("text", "")) if out.get("output_type") == "stream" else ""
            for line in text.splitlines():
                s = line.strip()
                if s.startswith(("✓", "✗", "· ", "reprlab: backend", "run mode")):
                    print("  " + s[:400])
            if out.get("output_type") == "error":
                print("  ERROR " + out.get("ename", "") + ": " + out.get("evalue", "")[:300])
