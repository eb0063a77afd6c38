"""Step 4, deployment: predictions in batch, and online behind a real HTTP endpoint on loopback.

Run on its own: `python snippets/lifecycle/deployment.py`.
"""

from __future__ import annotations

# --8<-- [start:batch]
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import numpy as np

CITY = {"Lisbon": 0, "Porto": 1, "Braga": 2}


def batch_predict(model, warehouse_path: str, week: str) -> list[tuple]:
    """Score a whole week of rides at once and store the predictions next to the trips."""
    with duckdb.connect(warehouse_path) as warehouse:
        rows = warehouse.execute(
            "SELECT ride_id, distance_km, hour, weekday, city FROM trips "
            "WHERE strftime(requested, '%G-W%V') = ? ORDER BY ride_id",
            [week],
        ).fetchall()
        features = np.array([[d, h, w, CITY[c]] for _, d, h, w, c in rows], dtype=float)
        minutes = np.round(model.predict(features), 1)
        warehouse.execute("CREATE OR REPLACE TABLE predictions (ride_id INTEGER, minutes DOUBLE)")
        warehouse.executemany(
            "INSERT INTO predictions VALUES (?, ?)",
            [(row[0], float(m)) for row, m in zip(rows, minutes, strict=True)],
        )
        return warehouse.execute("SELECT * FROM predictions ORDER BY ride_id LIMIT 3").fetchall()


# --8<-- [end:batch]


# --8<-- [start:online]
@contextmanager
def serve(model) -> Iterator[str]:
    """An HTTP prediction endpoint on 127.0.0.1 (a free port), stopped when the block ends."""

    class Predict(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            ride = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            row = [[ride["distance_km"], ride["hour"], ride["weekday"], CITY[ride["city"]]]]
            body = json.dumps({"minutes": round(float(model.predict(row)[0]), 1)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # keep the page's output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Predict)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/predict"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def predict_online(url: str, ride: dict) -> float:
    request = urllib.request.Request(url, data=json.dumps(ride).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["minutes"]


def p95_latency_ms(url: str, ride: dict, requests: int = 100) -> float:
    """Time `requests` sequential calls, as a client would see them; return the 95th percentile."""
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        predict_online(url, ride)
        timings.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(timings, 95))


# --8<-- [end:online]
