"""Privacy scenario: a real ComfyUI host with this pack, running one of the pack's example workflows (Sample
Media, edit nodes, export). Run by tests/privacy/test_no_outbound.py under strace; ComfyUI is a child of this
process, so the trace covers it.

    python -m tests.privacy.scenarios.comfyui_workflow BASE_DIR"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.comfyui_host import start_comfyui
from tests.host.example_workflows import exported_videos, to_api

EXAMPLE = "edit_three_clips"


def main(base_dir: Path) -> None:
    with start_comfyui(with_pack=True, base_dir=base_dir) as server:
        history = server.run_prompt(to_api(EXAMPLE, server.object_info()), timeout=600)
        [video] = exported_videos(history, server.output_dir)
        print(f"ok: {video.name} {video.stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
