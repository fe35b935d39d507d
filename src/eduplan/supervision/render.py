"""Render a notice to PDF and PNG with LibreOffice and poppler (``make screenshots`` and the
"opens in LibreOffice" check). Nothing here is needed to *produce* a notice: python-docx writes it.

Debian packages: ``libreoffice-writer-nogui`` (or ``libreoffice-writer``) for ``soffice``,
``poppler-utils`` for ``pdftoppm``, and a CJK font such as ``fonts-noto-cjk`` so the Chinese text
renders (the notice names 仿宋_GB2312 and friends; fontconfig substitutes a CJK font).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PACKAGES = "libreoffice-writer-nogui poppler-utils fonts-noto-cjk"


class RenderError(RuntimeError):
    """A missing tool or a failed conversion, with what to install or check."""


def tools() -> dict[str, str | None]:
    return {
        "soffice": shutil.which("soffice") or shutil.which("libreoffice"),
        "pdftoppm": shutil.which("pdftoppm"),
    }


def docx_to_pdf(docx: Path, outdir: Path, *, timeout: int = 180) -> Path:
    """Convert with ``soffice --headless --convert-to pdf`` in a throw-away profile (two runs at
    once would otherwise fight over the user profile lock)."""
    soffice = tools()["soffice"]
    if soffice is None:
        raise RenderError(f"未安装 LibreOffice / LibreOffice is not installed (apt-get install {PACKAGES})")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eduplan-lo-") as profile:
        cmd = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    pdf = outdir / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        raise RenderError(
            f"LibreOffice 转换失败 / conversion failed: {done.stderr.strip() or done.stdout.strip()}"
        )
    return pdf


def pdf_to_png(pdf: Path, outdir: Path, *, dpi: int = 110, first_page_only: bool = False) -> list[Path]:
    pdftoppm = tools()["pdftoppm"]
    if pdftoppm is None:
        raise RenderError(f"未安装 pdftoppm / pdftoppm is not installed (apt-get install {PACKAGES})")
    prefix = outdir / pdf.stem
    cmd = [
        pdftoppm,
        "-png",
        "-r",
        str(dpi),
        *(["-singlefile"] if first_page_only else []),
        str(pdf),
        str(prefix),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RenderError(f"pdftoppm 失败 / failed: {done.stderr.strip()}")
    return sorted(outdir.glob(f"{pdf.stem}*.png"))


def render_notice(docx: str | Path, outdir: str | Path, *, dpi: int = 110) -> list[Path]:
    """``docx`` → ``outdir/<name>.pdf`` and one PNG per page; returns [pdf, png…]."""
    docx, outdir = Path(docx).resolve(), Path(outdir).resolve()
    pdf = docx_to_pdf(docx, outdir)
    return [pdf, *pdf_to_png(pdf, outdir, dpi=dpi)]
