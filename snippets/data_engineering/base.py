"""A replicated key-value store small enough to read on one page.

N replicas each keep, per key, a value and its version. A write is acknowledged once W replicas
have stored it; a read asks R replicas and returns the newest version they hold, repairing the
stale ones it saw (read repair). Versions are (logical time, writer), so the newest write wins
(last-writer-wins), and an anti-entropy pass copies the newest version of every key to every
replica. Everything runs in one process, deterministically: the examples say which replicas a
write or read reaches instead of relying on timing. Run on its own: `python .../base.py`.
"""

from __future__ import annotations

# --8<-- [start:store]
import itertools
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Version:
    time: int  # a logical clock; a real store uses wall-clock timestamps
    writer: str  # breaks ties, so every replica picks the same winner


@dataclass
class Replica:
    name: str
    data: dict[str, tuple[Version, str]] = field(default_factory=dict)

    def put(self, key: str, version: Version, value: str) -> None:
        """Keep the newer of what we had and what arrives: last writer wins."""
        if key not in self.data or self.data[key][0] < version:
            self.data[key] = (version, value)


class Refused(Exception):
    """Fewer replicas were reachable than the quorum needs."""


class Store:
    def __init__(self, names: str = "ABC") -> None:
        self.replicas = {name: Replica(name) for name in names}
        self.clock = 0

    def write(self, key: str, value: str, *, w: int, reach: str, writer: str = "app") -> Version:
        """Store on the replicas in `reach`; acknowledged only if at least w of them took it."""
        if len(reach) < w:
            raise Refused(f"write needs {w} replicas, reached {len(reach)}")
        self.clock += 1
        version = Version(self.clock, writer)
        for name in reach:
            self.replicas[name].put(key, version, value)
        return version

    def read(self, key: str, *, r: int, reach: str) -> tuple[Version, str] | None:
        """Ask the replicas in `reach`; return the newest answer and repair the others."""
        if len(reach) < r:
            raise Refused(f"read needs {r} replicas, reached {len(reach)}")
        answers = [self.replicas[name].data.get(key) for name in reach]
        newest = max((a for a in answers if a), default=None)
        if newest:
            for name in reach:  # read repair
                self.replicas[name].put(key, *newest)
        return newest

    def anti_entropy(self) -> int:
        """Copy the newest version of every key to every replica; count the copies made."""
        copies = 0
        keys = {key for replica in self.replicas.values() for key in replica.data}
        for key in sorted(keys):
            newest = max(r.data[key] for r in self.replicas.values() if key in r.data)
            for replica in self.replicas.values():
                if replica.data.get(key) != newest:
                    replica.put(key, *newest)
                    copies += 1
        return copies

    def values(self, key: str) -> dict[str, str | None]:
        """What each replica holds for `key` right now."""
        return {n: (r.data[key][1] if key in r.data else None) for n, r in self.replicas.items()}


# --8<-- [end:store]


# --8<-- [start:placements]
def stale_reads(w: int, r: int, names: str = "ABC") -> tuple[int, int]:
    """Try every placement of one write (on w replicas) and one read (of r replicas).

    Returns (stale reads, placements tried). A read is stale if it returns the old value.
    """
    stale = tried = 0
    for written in itertools.combinations(names, w):
        for read in itertools.combinations(names, r):
            store = Store(names)
            store.write("driver:1", "free", w=len(names), reach=names)
            store.write("driver:1", "busy", w=w, reach="".join(written))
            answer = store.read("driver:1", r=r, reach="".join(read))
            stale += answer[1] == "free"
            tried += 1
    return stale, tried


# --8<-- [end:placements]


# --8<-- [start:session]
class Session:
    """Read-your-writes: remember the version of your own last write, and do not accept older."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.written: dict[str, Version] = {}

    def write(self, key: str, value: str, *, w: int, reach: str) -> None:
        self.written[key] = self.store.write(key, value, w=w, reach=reach)

    def read(self, key: str, *, try_in_order: str) -> str:
        """Read one replica at a time until one is at least as new as our own write."""
        for name in try_in_order:
            answer = self.store.read(key, r=1, reach=name)
            if answer and answer[0] >= self.written.get(key, answer[0]):
                return f"{answer[1]} (from {name})"
        raise Refused("no reachable replica has caught up with this session's write yet")


# --8<-- [end:session]


# --8<-- [start:lag]
def stale_probability(r: int, after_ms: float, trials: int = 4000, seed: int = 3) -> float:
    """P(a read of r random replicas misses a write made `after_ms` earlier).

    The write reaches replica A at once (W = 1) and each other replica after an exponentially
    distributed replication lag with a mean of 50 ms: a seeded simulation, the same every run.
    """
    import random

    rng = random.Random(seed)
    names = "ABC"
    misses = 0
    for _ in range(trials):
        arrived = {"A": 0.0, "B": rng.expovariate(1 / 50), "C": rng.expovariate(1 / 50)}
        read = rng.sample(names, r)
        misses += all(arrived[name] > after_ms for name in read)
    return misses / trials


# --8<-- [end:lag]


def figure() -> bytes:  # pragma: no cover - drawn at build time by hooks.py, in the mkdocs process
    """Stale-read probability against time since the write, for R = 1, 2, 3 (hooks.py)."""
    from ridehail.charts import figure as new_figure
    from ridehail.charts import svg

    times = list(range(0, 201, 10))
    fig, axis = new_figure(figsize=(6, 3.2))
    for r, style in ((1, "-o"), (2, "-s"), (3, "-^")):
        axis.plot(times, [stale_probability(r, t) for t in times], style, label=f"R = {r}")
    axis.set_xlabel("time since the write (ms); mean replication lag 50 ms")
    axis.set_ylabel("probability the read is stale")
    axis.set_title("N = 3, W = 1: only R = 3 (W + R > N) never reads stale")
    axis.legend()
    return svg(fig)


if __name__ == "__main__":
    for w, r in itertools.product((1, 2, 3), repeat=2):
        stale, tried = stale_reads(w, r)
        print(f"W={w} R={r} W+R>N={w + r > 3}: {stale} stale of {tried}")
