"""Audio signal processing for the mix and the export: loudness (ITU-R BS.1770-4), peak limiting, tempo change,
panning and ducking. Every processor is streaming: it keeps its state between chunks, so its output does not
depend on how the signal is cut into chunks, and memory does not grow with the length of the timeline."""
