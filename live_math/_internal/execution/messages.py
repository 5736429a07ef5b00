"""What a failed snippet or inline value tells the writer: ``file:line`` (``file:line:column`` for a value), what
happened, the snippet's traceback, and what to do about it."""

from __future__ import annotations

from dataclasses import replace

from live_math._internal.config import MISSING_MODULE
from live_math._internal.execution.limits import format_size
from live_math._internal.execution.sessions import Failure, Limits


def failure_message(location: str, failure: Failure, limits: Limits, missing_module: str = "") -> str:
    """``file:line: what happened``, the snippet's traceback, and what to do about it."""
    lines = [f"{location}: {failure.headline}", *failure.details]
    limit_options = "on its fence, or for every snippet under execution: of the live-math plugin in mkdocs.yml"
    if failure.hint:
        lines.append(f"  The snippet sandbox refused this: {failure.hint}.")
    elif failure.error == "SandboxError":
        lines.append(
            "  This machine did not let the worker confine itself. Build on Linux 6.12 or later with Landlock, or"
            " set execution.sandbox: available in mkdocs.yml to run snippets with what the machine enforces."
        )
    elif failure.module:
        lines.append(f"  No module named {failure.module!r} can be imported: {missing_module or MISSING_MODULE}.")
    elif failure.kind == "timeout":
        lines.append(
            '  Give this block more time with timeout="SECONDS" on its fence; the default for every snippet is'
            " execution.timeout of the live-math plugin in mkdocs.yml (or BLOG_SNIPPET_TIMEOUT)."
        )
    elif failure.error == "MemoryError" or failure.signal == "SIGKILL":
        cause = "It may have run out of memory: " if failure.signal == "SIGKILL" else ""
        lines.append(
            f"  {cause}a snippet may use {format_size(limits.memory)} beyond what its worker starts with. Use less,"
            f' or set memory="4 GiB" {limit_options} (memory:).'
        )
    elif failure.kind == "died":
        lines.append(
            "  The process running the snippet ended without finishing it: os._exit(), os.abort() or a crash in"
            " compiled code does that. Let the block end normally (raise an exception to fail the build)."
        )
    elif failure.kind == "output":
        lines.append(
            f"  A block may print {format_size(limits.max_output)}, which is already far more than a reader can"
            f' read. Print a summary, or set max_output="4 MiB" {limit_options} (max_output:).'
        )
    elif failure.kind == "empty":
        lines.append(
            "  print() what the reader should see in the block itself (print() inside an imported module goes to"
            " the terminal: have helpers return strings),\n"
            '  or show the code with source="above", or mark a setup block that shows nothing with silent="true".'
        )
    return "\n".join(lines)


def inline_failure(failure: Failure, plan, block) -> Failure:
    """``failure`` of the inline value ``block``, saying which value, and for a name it lacks, where it looked."""
    inline = block.fence.inline
    headline = f"inline value `{{py}} {inline.content}`: {failure.headline}"
    details = list(failure.details)
    if failure.error == "NameError" or failure.kind == "option":
        fences = [str(other.fence.line) for other in plan.blocks if other.fence.inline is None]
        where = f'session "{plan.label}"' if not plan.label.isdigit() else "the block"
        looked = f"  It was evaluated in {where} of the code block(s) at line(s) {', '.join(fences)}" if fences else ""
        details.append(
            (looked + ". " if looked else "  ")
            + "Put it after the block that computes the name, or name the session: `{py:NAME} expression`."
        )
    return replace(failure, headline=headline, details=details)


def block_limits(block, defaults: Limits) -> Limits:
    """The limits ``block`` ran under: its fence's own, else the site's ``defaults``."""
    spec = block.spec or {}
    timeout, memory = spec.get("timeout", defaults.timeout), spec.get("memory", defaults.memory)
    return Limits(timeout, memory, spec.get("max_output", defaults.max_output))
