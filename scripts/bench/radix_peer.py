"""
The py-radix side of `npm run bench:bgp` (Debian's python3-radix, a C
radix tree behind a Python API): loads the same prefix2as.txt, looks up the
same addresses as text, and reports as the Node children do, as JSON:

    /usr/bin/python3 scripts/bench/radix_peer.py DIR SAMPLE
"""

import array
import gc
import ipaddress
import json
import resource
import sys
import time

import radix


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed_lookups(tree, queries):
    # Warm-up as the Node children do, then the timed pass.
    checksum = 0
    for query in queries[:200_000]:
        checksum += tree.search_best(query) is not None
    start = time.perf_counter_ns()
    for query in queries:
        checksum += tree.search_best(query) is not None
    ns = time.perf_counter_ns() - start
    return {"perSecond": round(len(queries) * 1e9 / ns), "nsPerLookup": ns / len(queries)}, checksum


def main():
    directory, sample = sys.argv[1], int(sys.argv[2])
    words = array.array("I")
    with open(f"{directory}/addresses.bin", "rb") as addresses:
        words.frombytes(addresses.read())
    if sys.byteorder != "little":
        words.byteswap()
    count = len(words) // 5
    ipv4 = [str(ipaddress.IPv4Address(words[i])) for i in range(count)]
    ipv6 = [
        str(ipaddress.IPv6Address((words[count + 4 * i] << 96) | (words[count + 4 * i + 1] << 64) | (words[count + 4 * i + 2] << 32) | words[count + 4 * i + 3]))
        for i in range(count)
    ]
    with open(f"{directory}/prefix2as.txt") as table:
        lines = table.read().split("\n")
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    tree = radix.Radix()
    for line in lines:
        if not line:
            continue
        net, length, origins = line.split("\t")
        node = tree.add(f"{net}/{length}")
        node.data["origins"] = [int(asn) for asn in origins.split("_")]
    load_ms = (time.perf_counter() - start) * 1000
    del lines
    gc.collect()
    after = rss_mb()
    v4, v4_checksum = timed_lookups(tree, ipv4)
    v6, v6_checksum = timed_lookups(tree, ipv6)
    print(f"checksum {v4_checksum} {v6_checksum}", file=sys.stderr)

    def best(query):
        node = tree.search_best(query)
        return "" if node is None else node.prefix

    json.dump(
        {
            "loadMs": load_ms,
            "rssMB": after,
            "rssDeltaMB": after - before,
            "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "lookups": {"ipv4": v4, "ipv6": v6},
            "sample": [best(q) for q in ipv4[: sample // 2]] + [best(q) for q in ipv6[: sample // 2]],
        },
        sys.stdout,
    )


main()
