"""The docs' rule table is the registry's (issue 17: one home per rule)."""

from __future__ import annotations

from pathlib import Path

from wfm.scheduling.rules import RULES, rule_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "scheduling.md"
START, END = "<!-- rules-table:start -->\n", "<!-- rules-table:end -->"


def test_docs_rule_table_is_generated_from_the_registry():
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index(START) + len(START) : text.index(END)]
    assert table == rule_table(), (
        "docs/scheduling.md's rule table differs from the registry: paste the output of "
        "python -c 'from wfm.scheduling.rules import rule_table; print(rule_table())' between "
        "the rules-table markers"
    )


def test_the_table_has_one_row_per_rule_with_each_setting():
    lines = rule_table().splitlines()[2:]
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES, strict=True):
        assert line.startswith(f"| `{rule.name}`")
        for setting in rule.settings:
            assert f"`{setting.table}.{setting.name}` [{setting.unit}]" in line
