"""What a reader sees for the codes the system keeps (issue 23): words, with the code at most as a
secondary ``<span class="code">``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from eduplan.web import labels


def render(text: str, **context) -> str:
    return Template("{% load labels %}" + text).render(Context(context))


def test_statuses_methods_and_severities_read_as_words():
    with translation.override("zh-hans"):
        assert render("{{ s|status_label }}", s="off_track") == "进度滞后 off track"
        assert render("{{ m|method_label }}", m="passed").startswith("已到期")
        assert render("{{ v|severity_label }}", v="high") == "严重 high"
        assert render("{{ c|comparison }}", c=">=") == "≥"
    with translation.override("en"):
        assert render("{{ s|status_label }}", s="off_track") == "off track"
        assert render("{{ v|severity_label }}", v="high") == "high"


def test_rule_names_with_their_id_as_a_secondary_code():
    with translation.override("zh-hans"):
        html = render("{{ r|with_code }}", r="KG-SOCIAL-INSURANCE")
    name = labels.rule_title("KG-SOCIAL-INSURANCE")
    assert name and name != "KG-SOCIAL-INSURANCE" and "社会保险" in name
    assert html == f'{name} <span class="code">KG-SOCIAL-INSURANCE</span>'
    assert labels.rule_title("NO-SUCH-RULE") == "NO-SUCH-RULE"


def test_plan_citations_in_a_sentence_become_secondary_codes():
    html = render("{{ n|cite_plan }}", n="需求 × 96%(yuxi-2022-26.toml: preschool_ger >= 96%)")
    assert html == '需求 × 96%<span class="code">(yuxi-2022-26.toml: preschool_ger &gt;= 96%)</span>'


@pytest.mark.django_db
def test_workflow_history_in_words():
    from eduplan.supervision.models import OrderEvent

    event = OrderEvent(action="escalate", from_state="", to_state="issued")
    with translation.override("zh-hans"):
        assert render("{{ e|event_action }}", e=event) == "升级督办 Escalate"
        assert render("{{ e|event_to }}", e=event) == "已下达 Issued"
        assert render('{{ e|event_from|default:"—" }}', e=event) == "—"


@pytest.mark.django_db
def test_import_error_speaks_of_the_page_not_the_command_line(tmp_path: Path):
    from eduplan.intake.importer import import_file

    (tmp_path / "f.csv").write_text("a,b,c\r\n1,2,3\r\n", encoding="utf-8")
    problems = [p for p in import_file(tmp_path / "f.csv").problems if p.code == "unknown_sheet"]
    assert problems and "--kind" not in problems[0].zh and "数据类别" in problems[0].zh
