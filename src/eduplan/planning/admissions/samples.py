"""Files to start from on the admissions page: an example set (a small synthetic province,
the same files ``eduplan admissions demo`` writes) and, for each file, a blank template — its
header row and the example's first rows — so a city officer need not read a command's manual to
know what to upload."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

#: The files of a run, as the upload form names them, with what each holds (Chinese first).
FILES: dict[str, tuple[str, str]] = {
    "candidates.csv": (
        "考生文件:每名考生一行,含考号、初中学校、成绩、同分排序值、指标到校志愿和平行志愿",
        "candidates",
    ),
    "schools.csv": ("学校文件:每所高中一行,含招生计划数和指标到校比例", "schools"),
    "junior_schools.csv": ("初中学校文件:每所初中一行,含毕业生数和所属区域(可选)", "junior schools"),
    "settings.toml": ("录取设置(可选):批次、指标到校分配等", "settings"),
}
#: Rows of the example kept in a template (the header plus a few rows to copy the format from).
TEMPLATE_ROWS = 3
#: The example province: small enough to download at once, big enough to show every column.
EXAMPLE_CANDIDATES = 300


def _example_dir(out: Path) -> dict[str, Path]:
    from .demo import DemoSettings, generate, write_province

    return write_province(generate(DemoSettings(candidates=EXAMPLE_CANDIDATES, seed=1)), out)


def example_zip() -> bytes:
    """The example files and a 说明.txt, zipped."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(_example_dir(Path(tmp)).values()):
            zf.write(path, Path(path).name)
        readme = "\n".join(f"{name}: {zh}" for name, (zh, _) in FILES.items())
        zf.writestr(
            "说明.txt",
            "高中招生录取示例文件(合成数据,非真实考生)。\n上传 candidates.csv、schools.csv 等文件即可试运行。\n\n"
            + readme
            + "\n",
        )
    return buffer.getvalue()


def template(name: str) -> bytes | None:
    """A file's template: the example's header and first rows (``None`` for an unknown name)."""
    if name not in FILES:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        paths = {Path(p).name: Path(p) for p in _example_dir(Path(tmp)).values()}
        path = paths.get(name)
        if path is None:
            return None
        text = path.read_text(encoding="utf-8")
    if name.endswith(".csv"):
        text = "".join(text.splitlines(keepends=True)[: 1 + TEMPLATE_ROWS])
        return ("\ufeff" + text).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly
    return text.encode("utf-8")
