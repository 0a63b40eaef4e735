"""CPU seconds each Citus node spent in the windows BenchmarkCitusThroughput
logs, from the samples of citus_cpu_sample.sh, for docs/scale.md.

    python3 citus_cpu_window.py samples.txt LOAD_FROM LOAD_TO PROCESS_FROM PROCESS_TO CONTACTS
"""
import os
import sys

hz = os.sysconf("SC_CLK_TCK")
samples, l0, l1, p0, p1, n = sys.argv[1], *map(float, sys.argv[2:7])
rows = [list(map(float, l.split())) for l in open(samples) if len(l.split()) == 4]


def at(t):
    return min(rows, key=lambda r: abs(r[0] - t))


for name, (x, y) in [("load", (l0, l1)), ("process", (p0, p1))]:
    a, b = at(x), at(y)
    cpu = [(b[i] - a[i]) / hz for i in (1, 2, 3)]
    print(f"{name}: {b[0] - a[0]:.2f} s; CPU s coordinator {cpu[0]:.2f}, worker1 {cpu[1]:.2f}, "
          f"worker2 {cpu[2]:.2f}; ms per contact: coordinator {cpu[0] / n * 1000:.3f}, "
          f"workers {(cpu[1] + cpu[2]) / n * 1000:.3f}")
