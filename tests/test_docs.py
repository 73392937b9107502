"""Docs stay true: every command has help, every setting a description, README's commands exist."""

from __future__ import annotations

import re

from click.testing import CliRunner
from conftest import ROOT

from kg.cli import cli
from kg.settings import RetrievalSettings, Settings, SparqlSettings


def test_every_cli_command_has_help():
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help, f"`kg {name}` has no help text"
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help.split("\n")[0][:30] in " ".join(result.output.split())


def test_every_setting_has_a_description():
    for model in (Settings, SparqlSettings, RetrievalSettings):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_readme_kg_command_exists():
    readme = (ROOT / "README.md").read_text()
    used = set(re.findall(r"^kg (?:--\S+ \S+ )*([a-z]+)", readme, re.M))
    assert used and used <= set(cli.commands), used - set(cli.commands)
