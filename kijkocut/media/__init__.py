"""Media I/O with PyAV: probing, sequential decoding, still images, audio reading and waveform peaks."""
