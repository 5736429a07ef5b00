"""What a snippet's ModuleNotFoundError tells the writer: the site's own advice (execution.missing_module),
else advice that holds in any site, never this repository's files."""

from live_math._internal.config import MISSING_MODULE, ExecutionConfig
from live_math._internal.execution.messages import failure_message
from live_math._internal.execution.sessions import Limits
from live_math._internal.execution.workers import Failure

FAILURE = Failure("raised", "snippet raised ModuleNotFoundError: No module named 'nump'", module="nump")
LIMITS = Limits(60, 2**31, 2**20)


def test_by_default_the_advice_names_no_file_of_this_repository():
    message = failure_message("docs/a.md:3", FAILURE, LIMITS)
    assert message.startswith("docs/a.md:3: snippet raised ModuleNotFoundError")
    assert f"No module named 'nump' can be imported: {MISSING_MODULE}." in message
    for blog_only in ("pyproject.toml", "requirements.lock", "make setup", "snippets/"):
        assert blog_only not in message


def test_a_site_gives_its_own_advice():
    message = failure_message("docs/a.md:3", FAILURE, LIMITS, "add it to requirements.txt")
    assert "No module named 'nump' can be imported: add it to requirements.txt." in message
    assert MISSING_MODULE not in message


def test_the_option_defaults_to_the_generic_advice_and_takes_a_string():
    config = ExecutionConfig()
    config.load_dict({})
    errors, _warnings = config.validate()
    assert not errors and config.missing_module == MISSING_MODULE
    config = ExecutionConfig()
    config.load_dict({"missing_module": ["not", "a", "string"]})
    errors, _warnings = config.validate()
    assert [name for name, _ in errors] == ["missing_module"]
