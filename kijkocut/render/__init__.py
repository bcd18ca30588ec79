"""Rendering: evaluating the timeline at a time, compositing in YUV 4:2:0, mixing audio, and streaming export."""
