"""Hostile uploads over HTTP (issue 13): bombs and huge files through every upload of the project.

    .venv/bin/python bench/bad_uploads.py --repeat 3

Creates a fresh PostgreSQL database with the test suite's small tree (a province, Phường Hoa
Lư and its village, Phường Nam Hoa Lư), the province's coordinator and Hoa Lư's focal point,
and what each upload writes to (a published plan with a duty for Hoa Lư, an event with a
bridge point at Hoa Lư, a fieldwork team, a monthly dataset). Starts uvicorn (one worker,
DEBUG off) and POSTs each hostile file of the bad-input corpus (``tests/badinput.py``, built
from each upload's good rows as ``tests/test_bad_inputs.py`` builds them) to each upload, over
loopback, signed in as the persona who may upload there:

  * unit import, visits import, a bridge point's name list, report values import: an .xlsx
    with a cell at T1000000, an .xlsx inflating to 300 MB, a 25 MB CSV, a truncated zip,
    random bytes as .xlsx, an empty file;
  * plan import: a .docx inflating to 300 MB, a 25 MB .txt, a truncated .docx, a .docx whose
    document.xml is cut short, random bytes as .pdf;
  * a duty's evidence: a 25 MB .png, a .docx and an .xlsx inflating to 300 MB, a truncated
    .docx, random bytes as .pdf.

Each request ``--repeat`` times (after one untimed request per upload to warm the server):
wall time from sending to the full answer (a redirect followed, as a browser does), the status
code, the Vietnamese message shown (the page's alert regions, or the JSON answer's detail),
and the server process's peak resident memory growth during the request (VmRSS of
/proc/<pid>/status sampled every 2 ms, and VmHWM when it rose during the request), and the
server's CPU time for it (user + system, /proc/<pid>/stat): the work itself, whatever else
shares the cores. The machine's load average is printed with the figures.

Targets (issue 13): a bomb (a cell far out, a part inflating to 300 MB) is refused in under
2 s with bounded memory (``--memory-bound-mib``, 100 MiB of growth by default; before the
issue the T1000000 sheet took 1.2 GB); every file answers in under 5 s with a clear Vietnamese
message and no server error. Prints a table, then one JSON line last; exits non-zero if any
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _common  # noqa: E402 — bench/ is the script's folder, on sys.path

DB_NAME = "hocvuso_bench_bad_uploads"
DB_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
MEDIA = tempfile.mkdtemp(prefix="bench-bad-uploads-media-")
SERVER_ENV = _common.server_env(DB_URL, MEDIA_ROOT=MEDIA)
os.environ.update(SERVER_ENV)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

import requests  # noqa: E402

from conftest import Tree, make_person  # noqa: E402 — the test suite's personas
from hocvuso.core.roles import Role  # noqa: E402
from hocvuso.orgunits.models import OrgUnit  # noqa: E402
from hocvuso.orgunits.services import create_unit  # noqa: E402
from tests import badinput as B  # noqa: E402
from tests import test_bad_inputs as corpus  # noqa: E402

BOMB_LIMIT_S = 2.0
ANSWER_LIMIT_S = 5.0
SAMPLE_EVERY_S = 0.002


@dataclass(frozen=True)
class Endpoint:
    name: str
    persona: str
    path: Callable[[corpus.World], str]
    # the form's fields around the file: (filename, bytes) → data, files
    form: Callable[[corpus.World, str, bytes], tuple[dict, dict]]
    cases: list[corpus.FileCase]
    upload: corpus.Upload | None = None


def _table_form(upload: corpus.Upload) -> Callable:
    def form(world: corpus.World, name: str, content: bytes) -> tuple[dict, dict]:
        return upload.data(world), {upload.field: (name, content)}

    return form


def _plan_form(world: corpus.World, name: str, content: bytes) -> tuple[dict, dict]:
    return {"issuing_unit": world.tree.province.pk}, {"file": (name, content)}


def _evidence_form(world: corpus.World, name: str, content: bytes) -> tuple[dict, dict]:
    return {"status": "in_progress", "note": "Đã hướng dẫn 12 hộ"}, {"files": (name, content)}


def _pick(cases: list[corpus.FileCase], names: tuple[str, ...]) -> list[corpus.FileCase]:
    by_name = {case.name: case for case in cases}
    return [by_name[name] for name in names]


TABLE_CASES = (
    "xlsx-cell-at-T1000000",
    "xlsx-inflates-to-300MB",
    "25MB",
    "truncated-zip",
    "random.xlsx",
    "empty-xlsx",
)
PLAN_CASES = (
    "docx-inflates-to-300MB",
    "25MB",
    "truncated-zip",
    "docx-truncated-document-xml",
    "random.pdf",
)
EVIDENCE_CASES = ("25MB", "truncated-docx", "random.pdf")
# The corpus sends bombs to the readers; a duty's evidence is checked by content (zip
# structure for .docx/.xlsx), so the same bombs go there too.
EVIDENCE_BOMBS = [
    corpus.FileCase("docx-inflates-to-300MB", lambda u, w: ("minh-chung.docx", B.docx_bomb())),
    corpus.FileCase(
        "xlsx-inflates-to-300MB",
        lambda u, w: ("minh-chung.xlsx", B.xlsx_inflation_bomb([["Minh chứng"]])),
    ),
]


def endpoints() -> list[Endpoint]:
    tables = [
        Endpoint(
            name,
            upload.persona,
            upload.path,
            _table_form(upload),
            _pick(corpus.TABLE_CASES, TABLE_CASES),
            upload,
        )
        for name, upload in corpus.TABLES.items()
    ]
    order = ["unit-import", "visit-import", "attendee-names", "values-import"]
    tables.sort(key=lambda e: order.index(e.name))
    return [
        tables[0],
        Endpoint(
            "plan-import",
            "coordinator",
            lambda w: "/plans/import/",
            _plan_form,
            _pick(corpus.PLAN_CASES, PLAN_CASES),
        ),
        Endpoint(
            "duty-evidence",
            "hoalu",
            lambda w: f"/plans/duties/{w.task.pk}/",
            _evidence_form,
            [*EVIDENCE_BOMBS, *_pick(corpus.EVIDENCE_CASES, EVIDENCE_CASES)],
        ),
        *tables[1:],
    ]


def is_bomb(case_name: str) -> bool:
    return "T1000000" in case_name or "inflates" in case_name


def build_world() -> corpus.World:
    """conftest's tree and personas, and the objects each upload writes to."""
    province = create_unit(
        actor=None, parent=None, name="Tỉnh Ninh Bình", kind="province", code="37"
    )
    hoalu = create_unit(
        actor=None, parent=province, name="Phường Hoa Lư", kind="commune", code="14329"
    )
    namhoalu = create_unit(
        actor=None, parent=province, name="Phường Nam Hoa Lư", kind="commune", code="14359"
    )
    agency = create_unit(
        actor=None, parent=province, name="Sở Khoa học và Công nghệ", kind="agency"
    )
    hoalu_village = create_unit(
        actor=None, parent=hoalu, name="Tổ dân phố số 1", kind=OrgUnit.Kind.VILLAGE
    )
    namhoalu_village = create_unit(
        actor=None, parent=namhoalu, name="Thôn Đông", kind=OrgUnit.Kind.VILLAGE
    )
    tree = Tree(province, hoalu, hoalu_village, namhoalu, namhoalu_village, agency)
    users = {
        "coordinator": make_person("coordinator", Role.COORDINATOR, province),
        "hoalu": make_person("hoalu", Role.FOCAL_POINT, hoalu),
    }
    world = corpus.World(tree, users)
    for name in ("task", "point", "team", "member", "dataset"):
        getattr(world, name)  # made now, before the server answers anything
    return world


def status_kib(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    rss = hwm = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return rss, hwm


TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """User + system CPU time of a process so far, in seconds (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Sampler(threading.Thread):
    """The server's highest VmRSS while one request runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.rss_before, self.hwm_before = status_kib(pid)
        self.peak = self.rss_before
        self.cpu_before = cpu_s(pid)
        self.cpu = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(SAMPLE_EVERY_S):
            self.peak = max(self.peak, status_kib(self.pid)[0])

    def stop(self) -> float:
        """Peak growth in MiB: the sampled peak, or VmHWM if it rose during the request."""
        self._halt.set()
        self.join()
        rss, hwm = status_kib(self.pid)
        self.cpu = cpu_s(self.pid) - self.cpu_before
        peak = max(self.peak, rss, hwm if hwm > self.hwm_before else 0)
        return (peak - self.rss_before) / 1024


@dataclass
class Answer:
    seconds: float
    status: int
    final_status: int
    messages: list[str]
    vietnamese: bool
    english: list[str]
    rss_growth_mib: float
    server_cpu_s: float


def post(
    session: requests.Session, base: str, pid: int, path: str, data: dict, files: dict
) -> Answer:
    sampler = Sampler(pid)
    sampler.start()
    started = time.perf_counter()
    try:
        response = session.post(base + path, data=data, files=files, timeout=120)
        seconds = time.perf_counter() - started
    finally:
        growth = sampler.stop()
    first = response.history[0].status_code if response.history else response.status_code
    if "json" in response.headers.get("Content-Type", ""):
        messages = corpus.json_messages(response.json())
    else:
        messages = corpus.page_alerts(response.text)
    shown = " ".join(messages)
    return Answer(
        seconds=seconds,
        status=first,
        final_status=response.status_code,
        messages=messages,
        vietnamese=bool(messages) and bool(corpus.VIETNAMESE.search(shown)),
        english=[e for e in corpus.ENGLISH if e in shown],
        rss_growth_mib=growth,
        server_cpu_s=sampler.cpu,
    )


def signed_in(user: object, base: str) -> requests.Session:
    session = requests.Session()
    cookies = _common.session_cookies(user)
    for name, value in cookies.items():
        session.cookies.set(name, value, domain="127.0.0.1", path="/")
    session.headers["X-CSRFToken"] = cookies["csrftoken"]
    session.headers["Referer"] = base + "/"
    return session


def run(repeat: int, memory_bound_mib: float) -> tuple[list[dict], dict]:
    rows: list[dict] = []
    with _common.fresh_database(DB_NAME, collectstatic=True):
        world = build_world()
        with _common.uvicorn(SERVER_ENV) as server:
            sessions = {p: signed_in(u, server.base) for p, u in world.users.items()}
            rss_start, hwm_start = status_kib(server.pid)
            _common.log(f"uvicorn pid {server.pid}, VmRSS {rss_start / 1024:.0f} MiB")
            for endpoint in endpoints():
                session = sessions[endpoint.persona]
                path = endpoint.path(world)
                # Warm the server: the page, then one small bad file, untimed.
                session.get(server.base + path, timeout=30)
                data, files = endpoint.form(world, "tep.xlsx", B.random_bytes(salt="warm"))
                post(session, server.base, server.pid, path, data, files)
                for case in endpoint.cases:
                    filename, content = case.make(endpoint.upload, world)
                    data, files = endpoint.form(world, filename, content)
                    answers = [
                        post(session, server.base, server.pid, path, data, files)
                        for _ in range(repeat)
                    ]
                    rows.append(figures(endpoint, case.name, filename, content, answers))
                    row = rows[-1]
                    _common.log(
                        f"{endpoint.name:15} {case.name:28} {row['status']} "
                        f"median {row['median_s']:.3f} s max {row['max_s']:.3f} s "
                        f"rss +{row['rss_growth_mib']:.1f} MiB  {row['message'][:70]}"
                    )
            rss_end, hwm_end = status_kib(server.pid)
    for row in rows:
        limit = BOMB_LIMIT_S if row["bomb"] else ANSWER_LIMIT_S
        row["limit_s"] = limit
        row["target_met"] = (
            row["max_s"] < limit
            and row["status"] < 500
            and row["vietnamese_message"]
            and not row["english"]
            and (not row["bomb"] or row["rss_growth_mib"] < memory_bound_mib)
        )
    server_memory = {
        "rss_start_mib": round(rss_start / 1024, 1),
        "rss_end_mib": round(rss_end / 1024, 1),
        "hwm_start_mib": round(hwm_start / 1024, 1),
        "hwm_end_mib": round(hwm_end / 1024, 1),
    }
    server_memory["load_average_after"] = os.getloadavg()[0]
    return rows, server_memory


def figures(endpoint: Endpoint, case: str, filename: str, content: bytes, answers) -> dict:
    times = [a.seconds for a in answers]
    statuses = sorted({a.status for a in answers})
    messages = [a.messages for a in answers]
    return {
        "endpoint": endpoint.name,
        "case": case,
        "bomb": is_bomb(case),
        "filename": filename,
        "size_kib": round(len(content) / 1024, 1),
        "status": max(statuses),
        "statuses": statuses,
        "final_status": answers[-1].final_status,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "rss_growth_mib": round(max(a.rss_growth_mib for a in answers), 1),
        "server_cpu_median_s": round(statistics.median(a.server_cpu_s for a in answers), 2),
        "vietnamese_message": all(a.vietnamese for a in answers),
        "english": sorted({e for a in answers for e in a.english}),
        "message": " | ".join(messages[-1])[:200],
    }


def table(rows: list[dict], memory_bound_mib: float) -> str:
    lines = [
        f"{'upload':15} {'file':28} {'KiB':>9} {'status':>6} {'median s':>9} {'max s':>7} "
        f"{'limit':>5} {'CPU s':>5} {'RSS +MiB':>8}  {'VN':2} {'met':4} message",
    ]
    for r in rows:
        lines.append(
            f"{r['endpoint']:15} {r['case']:28} {r['size_kib']:>9} {r['status']:>6} "
            f"{r['median_s']:>9.3f} {r['max_s']:>7.3f} {r['limit_s']:>5} "
            f"{r['server_cpu_median_s']:>5.2f} "
            f"{r['rss_growth_mib']:>8.1f}  {'ja' if r['vietnamese_message'] else 'NO':2} "
            f"{'yes' if r['target_met'] else 'NO':4} {r['message'][:80]}"
        )
    lines.append(
        f"targets: bombs under {BOMB_LIMIT_S} s and {memory_bound_mib:.0f} MiB of growth, "
        f"every file under {ANSWER_LIMIT_S} s with a Vietnamese message and no 5xx"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-bound-mib", type=float, default=100.0)
    args = parser.parse_args()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    try:
        rows, server_memory = run(args.repeat, args.memory_bound_mib)
    finally:
        shutil.rmtree(MEDIA, ignore_errors=True)
    print(table(rows, args.memory_bound_mib))
    missed = [f"{r['endpoint']}/{r['case']}" for r in rows if not r["target_met"]]
    bombs = [r for r in rows if r["bomb"]]
    results = {
        "repeat": args.repeat,
        "through": "uvicorn over HTTP (requests), 1 worker, PostgreSQL",
        "cases": len(rows),
        "requests": len(rows) * args.repeat,
        "bomb_limit_s": BOMB_LIMIT_S,
        "answer_limit_s": ANSWER_LIMIT_S,
        "memory_bound_mib": args.memory_bound_mib,
        "slowest_bomb_s": max(r["max_s"] for r in bombs),
        "largest_bomb_rss_growth_mib": max(r["rss_growth_mib"] for r in bombs),
        "slowest_answer_s": max(r["max_s"] for r in rows),
        "server_memory": server_memory,
        "load_average_before": load_before,
        "elapsed_s": round(time.perf_counter() - started, 1),
        "missed": missed,
        "target_met": not missed,
        "rows": [
            {k: r[k] for k in ("endpoint", "case", "status", "median_s", "max_s")}
            | {"cpu_s": r["server_cpu_median_s"], "rss_mib": r["rss_growth_mib"]}
            | {"vn": r["vietnamese_message"]}
            for r in rows
        ],
    }
    print(json.dumps(results, ensure_ascii=False))
    if missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
