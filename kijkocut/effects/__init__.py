"""Effects and filters: a catalogue of effect kinds with typed parameters (`catalog`), and their pixel
implementations on RGBA float images (`filters`), including .cube LUTs (`lut`)."""
