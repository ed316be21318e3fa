"""Plain factory functions for test data."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.survey_loading import LoadReport, load_catalog
from touchloop.catalog import read_catalog

ROOT = Path(__file__).resolve().parent.parent
DEMO_SURVEYS = ROOT / "surveys"

MINIMAL_SURVEY = """\
slug: mini
touchpoint: installation
languages: [zh, en]
title: {zh: 安装回访, en: Installation follow-up}
questions:
  - id: recommend
    type: nps
    required: true
    text: {zh: 您向亲友推荐我们的可能性有多大？, en: "How likely are you to recommend us?"}
  - id: punctuality
    type: gap
    dimension: convenience
    text: {zh: 准时上门, en: Arriving on time}
  - id: why
    type: text
    show_if: recommend <= 6
    text: {zh: 我们哪里可以做得更好？, en: "What could we do better?"}
  - id: topics
    type: choice
    multiple: true
    text: {zh: 您关心哪些方面？, en: "What matters to you?"}
    options:
      - {code: price, text: {zh: 价格, en: Price}}
      - {code: speed, text: {zh: 速度, en: Speed}}
      - {code: care, text: {zh: 细致, en: Care}}
"""


def make_survey_dir(tmp_path: Path, files: dict[str, str] | None = None, *, with_demo: bool = False) -> Path:
    """A surveys folder with the demo journey.yaml plus ``files`` (name -> YAML text)."""
    folder = tmp_path / "surveys"
    folder.mkdir(exist_ok=True)
    shutil.copy(DEMO_SURVEYS / "journey.yaml", folder / "journey.yaml")
    if with_demo:
        for path in DEMO_SURVEYS.glob("*.yaml"):
            shutil.copy(path, folder / path.name)
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_surveys(session: Session, folder: Path = DEMO_SURVEYS) -> LoadReport:
    """Validate and load a surveys folder, then commit."""
    catalog = read_catalog(folder)
    assert not catalog.problems, [str(p) for p in catalog.problems]
    report = load_catalog(session, catalog)
    session.commit()
    return report
