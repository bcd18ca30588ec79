"""Output names unique to a job, so its files can be found on the server without `/history`.

ComfyUI keeps `/history` in memory: after a restart it no longer knows which prompt wrote what, and a job
that finished just before the restart looks lost. Each output node of the card whose `filename_prefix` is a
plain string gets a prefix naming the job, at the top of the output folder (ComfyUI's output listing does not
descend into subfolders); before resubmitting a prompt the server forgot, the runner looks for those names.
"""

from __future__ import annotations

import copy
import re

from workflows_library.cards import WorkflowCard
from workflows_library.events import FileRef
from workflows_library.workflow_format import ApiWorkflow

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def stamp_output_prefixes(
    card: WorkflowCard, workflow: ApiWorkflow, job_id: str
) -> tuple[ApiWorkflow, dict[str, str]]:
    """A copy of `workflow` whose output nodes write `<name>_<job id>_<node>_…`, and node id -> prefix."""
    stamped = copy.deepcopy(workflow)
    prefixes: dict[str, str] = {}
    for output in card.outputs:
        inputs = stamped.get(output.node_id, {}).get("inputs", {})
        original = inputs.get("filename_prefix")
        if not isinstance(original, str):  # absent, or wired from another node: cannot be made unique
            continue
        name = _UNSAFE.sub("-", re.split(r"[/\\]", original.strip())[-1]).strip("-") or "output"
        prefix = f"{name}_{job_id}_{_UNSAFE.sub('-', output.node_id)}"
        inputs["filename_prefix"] = prefixes[output.node_id] = prefix
    return stamped, prefixes


def outputs_found(prefixes: dict[str, str], names: list[str]) -> list[FileRef] | None:
    """The job's files among the server's output `names`, when every stamped node left at least one;
    None when any is missing (the run did not finish, so it must run again)."""
    if not prefixes:
        return None
    found: list[FileRef] = []
    for node_id, prefix in prefixes.items():
        mine = sorted(name for name in names if name.startswith(prefix + "_"))
        if not mine:
            return None
        found += [FileRef(node_id=node_id, filename=name) for name in mine]
    return found
