#!/usr/bin/env python3
"""What an arrival meets in a mixed pool: join-shortest-queue over S instances that hold requests in
parallel (each leaves at rate 1 wherever it runs), simulated on the histogram of loads, beside the
planner's Poisson form (N ~ Poisson(A); ⌊N/S⌋ beside the arrival, all occupied when N >= S) and the
even spread given N with the flow-balance identities (least load k with probability (k+1) x_{k+1} / L).
Prints a Markdown table. Usage: scripts/jsq-occupancy.py [EVENTS_PER_POINT]   (seeded, deterministic)"""
import math, random, sys

def simulate(a, S, events, seed=1):
    rnd = random.Random(seed)
    loads = [0] * 256; loads[0] = S; held = 0
    arrivals = busy = least = 0
    for step in range(events):
        rate = a + held
        if rnd.random() * rate < a:
            k = 0
            while loads[k] == 0: k += 1
            if step > events // 20:
                arrivals += 1; least += k; busy += k >= 1
            loads[k] -= 1; loads[k + 1] += 1; held += 1
        else:
            u = rnd.random() * held; k = 1
            while u >= k * loads[k]: u -= k * loads[k]; k += 1
            loads[k] -= 1; loads[k - 1] += 1; held -= 1
    return busy / arrivals, least / arrivals

def poisson_terms(a):
    spread = 12 * math.sqrt(a) + 30
    for n in range(max(0, int(a - spread)), int(a + spread) + 1):
        yield n, math.exp(-a + n * math.log(a) - math.lgamma(n + 1))

def poisson_form(a, S):
    busy = least = 0.0
    for n, p in poisson_terms(a):
        least += p * (n // S); busy += p * (n >= S)
    return busy, least

def even_spread(a, S):
    pairs = one = 0.0
    for n, p in poisson_terms(a):
        m, r = divmod(n, S)
        pairs += p * ((S - r) * m * (m - 1) + r * (m + 1) * m) / S
        one += p * (r / S if m == 0 else (S - r) / S if m == 1 else 0)
    L = a / S
    return 1 - one / L, pairs / L

events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
print("| instances | L | no instance idle: simulated / even spread / Poisson | least load met: simulated / even spread / Poisson |")
print("|---|---|---|---|")
for S, L in [(86, 0.94), (86, 1.1), (86, 1.3), (86, 2.5), (40, 10.3)]:
    a = S * L
    sb, sl = simulate(a, S, events)
    eb, el = even_spread(a, S)
    pb, pl = poisson_form(a, S)
    print(f"| {S} | {L} | {sb:.3f} / {eb:.3f} / {pb:.3f} | {sl:.3f} / {el:.3f} / {pl:.3f} |")
