"""Package data: one `<id>.json` (ComfyUI API format) and one `<id>.card.json` per curated workflow."""
